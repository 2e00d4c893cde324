from collections.abc import Mapping

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jigsaw.config import Settings
from jigsaw.core.db import make_engine
from jigsaw.web.app import create_app
from jigsaw.web.middleware import CONTENT_SECURITY_POLICY

# A value that would be personal data if a page or error echoed it back.
PERSONAL = "Ayesha-Okafor-2014-03-09"


def assert_security_headers(headers: Mapping[str, str]) -> None:
    assert headers.get("content-security-policy") == CONTENT_SECURITY_POLICY
    csp = CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") == "same-origin"


@pytest.fixture
def crashing_app(app: FastAPI) -> FastAPI:
    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError(f"bug while handling {PERSONAL}")

    @app.get("/api/v1/crash")
    def api_crash() -> None:
        raise RuntimeError(f"bug while handling {PERSONAL}")

    return app


class TestHomePage:
    def test_says_what_jigsaw_is_for_and_what_the_partnership_holds(
        self, client: TestClient
    ) -> None:
        response = client.get("/")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "Put the pieces together for every child" in response.text
        assert "make demo" in response.text  # no demo data in the test database

    def test_is_not_cached_and_carries_security_headers(self, client: TestClient) -> None:
        response = client.get("/")
        assert_security_headers(response.headers)
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in response.headers


def test_hsts_is_sent_over_https(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        response = client.get("/")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_static_assets_are_served_and_cacheable(client: TestClient) -> None:
    response = client.get("/static/govuk/govuk-frontend.min.css")
    assert response.status_code == 200
    assert "GDS Transport" not in response.text
    assert "cache-control" not in response.headers
    assert_security_headers(response.headers)


class TestErrorPages:
    def test_missing_page_is_a_404_that_echoes_nothing(self, client: TestClient) -> None:
        response = client.get(f"/nothing-here/{PERSONAL}?q={PERSONAL}")
        assert response.status_code == 404
        assert "Page not found" in response.text
        assert PERSONAL not in response.text
        assert_security_headers(response.headers)

    def test_a_crash_is_a_500_page_with_a_reference_and_no_detail(
        self, crashing_app: FastAPI, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with TestClient(crashing_app, raise_server_exceptions=False) as client:
            response = client.get("/crash")
        logged = capsys.readouterr().err
        assert "request.failed" in logged
        assert response.headers["x-request-id"] in logged
        assert PERSONAL not in logged
        assert response.status_code == 500
        assert "Sorry, there is a problem with the service" in response.text
        assert PERSONAL not in response.text
        assert "RuntimeError" not in response.text
        assert response.headers["x-request-id"] in response.text
        assert_security_headers(response.headers)

    def test_method_not_allowed_is_a_page_too(self, client: TestClient) -> None:
        response = client.post("/")
        assert response.status_code == 405
        assert response.headers["content-type"].startswith("text/html")


class TestApi:
    def test_openapi_document_is_published_under_api_v1(self, client: TestClient) -> None:
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        document = response.json()
        assert document["info"]["title"] == "Jigsaw API"
        assert "/api/v1/summary" in document["paths"]
        assert all(path.startswith("/api/v1/") for path in document["paths"])

    def test_api_documentation_page_lists_operations(self, client: TestClient) -> None:
        response = client.get("/api/v1/docs")
        assert response.status_code == 200
        assert "/api/v1/summary" in response.text
        assert "<script" not in response.text.split("</footer>")[0].split("<body")[1]

    def test_summary_needs_a_token(self, client: TestClient) -> None:
        response = client.get("/api/v1/summary")
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")

    def test_unknown_endpoint_is_problem_details(self, client: TestClient) -> None:
        response = client.get(f"/api/v1/{PERSONAL}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == 404
        assert body["title"] == "Not Found"
        assert body["type"] == "about:blank"
        assert PERSONAL not in response.text

    def test_crash_is_problem_details_without_exception_text(self, crashing_app: FastAPI) -> None:
        with TestClient(crashing_app, raise_server_exceptions=False) as client:
            response = client.get("/api/v1/crash")
        assert response.status_code == 500
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["request_id"] == response.headers["x-request-id"]
        assert PERSONAL not in response.text


class TestRequestIds:
    def test_a_well_formed_incoming_id_is_kept(self, client: TestClient) -> None:
        response = client.get("/healthz", headers={"X-Request-ID": "proxy-abc-12345"})
        assert response.headers["x-request-id"] == "proxy-abc-12345"

    def test_a_malformed_incoming_id_is_replaced(self, client: TestClient) -> None:
        response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
        assert response.headers["x-request-id"] != "<script>"
        assert len(response.headers["x-request-id"]) == 32


class TestHealth:
    def test_alive(self, client: TestClient) -> None:
        assert client.get("/healthz").json() == {"status": "alive"}

    def test_ready_when_the_database_is_at_head(self, client: TestClient) -> None:
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ready"}

    def test_not_ready_when_migrations_are_pending(self, settings: Settings) -> None:
        empty: Engine = make_engine("sqlite://")
        with TestClient(create_app(settings, engine=empty)) as client:
            response = client.get("/readyz")
        empty.dispose()
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "jigsaw db upgrade" in response.json()["detail"]

    def test_not_ready_when_the_database_cannot_be_reached(self, settings: Settings) -> None:
        unreachable = make_engine("sqlite:////nonexistent-dir/jigsaw.db")
        with TestClient(create_app(settings, engine=unreachable)) as client:
            response = client.get("/readyz")
        unreachable.dispose()
        assert response.status_code == 503
        assert response.json()["detail"] == "The database cannot be reached."
