"""Domain errors map to the same statuses on pages and in the API, and leak nothing."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jigsaw.core.errors import Conflict, Invalid, JigsawError, NotFound, PermissionDenied

PERSONAL = "Jayden Okafor"


@pytest.fixture
def raising_client(app: FastAPI) -> TestClient:
    errors: dict[str, JigsawError] = {
        "missing": NotFound("child"),
        "forbidden": PermissionDenied(),
        "invalid": Invalid({"date_of_birth": "Date of birth must be in the past"}),
        "conflict": Conflict(),
    }

    @app.get("/raise/{name}")
    def raise_page(name: str) -> None:
        raise errors[name]

    @app.get("/api/v1/raise/{name}")
    def raise_api(name: str) -> None:
        raise errors[name]

    @app.get("/api/v1/count")
    def count(limit: int) -> dict[str, int]:
        return {"limit": limit}

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("name", "status"), [("missing", 404), ("forbidden", 403), ("invalid", 422), ("conflict", 409)]
)
def test_domain_errors_have_one_status_on_pages_and_api(
    raising_client: TestClient, name: str, status: int
) -> None:
    page = raising_client.get(f"/raise/{name}")
    api = raising_client.get(f"/api/v1/raise/{name}")
    assert page.status_code == api.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["status"] == status


def test_missing_and_forbidden_pages_do_not_say_which(raising_client: TestClient) -> None:
    missing = raising_client.get("/raise/missing")
    assert "may not exist or you may not have access to it" in missing.text


def test_invalid_input_in_the_api_names_each_field(raising_client: TestClient) -> None:
    body = raising_client.get("/api/v1/raise/invalid").json()
    assert body["errors"] == {"date_of_birth": "Date of birth must be in the past"}


def test_request_validation_says_where_without_echoing_the_value(
    raising_client: TestClient,
) -> None:
    response = raising_client.get("/api/v1/count", params={"limit": PERSONAL})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["location"] == "query.limit"
    assert PERSONAL not in response.text
    assert "Okafor" not in response.text


def test_not_found_message_names_only_the_kind_of_record() -> None:
    assert str(NotFound("child")) == "child not found"
    assert "date_of_birth" in str(Invalid({"date_of_birth": "must be in the past"}))


def test_every_expired_form_says_so_not_only_the_first(client: TestClient) -> None:
    # The page's words came from a shared dict the first error page emptied.
    for _ in range(2):
        response = client.post("/sign-in", data={"email": "a@example.org", "password": "x"})
        assert response.status_code == 400
        assert "This form has expired" in response.text
