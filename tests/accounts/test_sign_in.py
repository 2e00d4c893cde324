import re
from datetime import datetime, timedelta

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from jigsaw import accounts
from jigsaw.accounts import two_factor
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from tests.demo_world import PASSWORD, DemoWorld, form_token, load_world, sign_in


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def post_sign_in(client: TestClient, email: str, password: str) -> Response:
    token = form_token(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


class TestSignIn:
    def test_password_then_code_signs_in_and_rotates_the_session(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        email = world.persona("dsl-oakfield").email
        response = post_sign_in(client, email, PASSWORD)
        first = client.cookies.get("jigsaw_session")
        assert response.status_code == 303
        assert client.get("/account").status_code == 303  # not yet: two-factor first
        token = form_token(client, "/sign-in/two-factor")
        client.post(
            "/sign-in/two-factor", data={"code": world.code("dsl-oakfield"), "csrf_token": token}
        )
        assert client.cookies.get("jigsaw_session") != first
        account = client.get("/account")
        assert account.status_code == 200
        assert "Joanne Whitfield" in account.text

    @pytest.mark.parametrize("email", ["dsl@oakfield-primary.example.org", "nobody@example.org"])
    @pytest.mark.usefixtures("world")
    def test_wrong_password_and_unknown_address_get_the_same_answer(
        self, client: TestClient, email: str
    ) -> None:
        response = post_sign_in(client, email, "not the right password")
        assert response.status_code == 422
        assert "Enter the email address and password for your Jigsaw account" in response.text
        assert "nobody" not in response.text.split("<main")[1].split("value=")[0]
        assert "jigsaw_session" not in client.cookies

    def test_repeated_failures_lock_sign_in_for_a_while(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        email = world.persona("teacher-oakfield").email
        for _ in range(5):
            post_sign_in(client, email, "not the right password")
        response = post_sign_in(client, email, PASSWORD)
        assert response.status_code == 429
        assert "Try again in 15 minutes" in response.text

    def test_unknown_addresses_lock_the_same_way(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        del world
        for _ in range(5):
            post_sign_in(client, "nobody@example.org", "guess")
        response = post_sign_in(client, "nobody@example.org", "guess")
        assert response.status_code == 429

    def test_wrong_code_is_refused(self, client: TestClient, world: DemoWorld) -> None:
        post_sign_in(client, world.persona("gp-riverside").email, PASSWORD)
        token = form_token(client, "/sign-in/two-factor")
        response = client.post("/sign-in/two-factor", data={"code": "000000", "csrf_token": token})
        assert response.status_code == 422
        assert "Enter the 6-digit code" in response.text
        assert client.get("/account").status_code == 303

    def test_forms_without_their_token_are_refused(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        client.get("/sign-in")
        response = client.post(
            "/sign-in", data={"email": world.persona("dsl-oakfield").email, "password": PASSWORD}
        )
        assert response.status_code == 400
        assert "This form has expired" in response.text


class TestNewAccount:
    def test_admin_adds_a_user_who_enrols_two_factor_and_chooses_a_password(
        self, client: TestClient, world: DemoWorld, app: FastAPI
    ) -> None:
        sign_in(client, world, "admin-oakfield")
        school = world.id("org:school-1")
        token = form_token(client, f"/admin/organisations/{school}/users/new")
        created = client.post(
            f"/admin/organisations/{school}/users/new",
            data={
                "display_name": "Sam Carter",
                "job_title": "Teaching Assistant",
                "email": "sam.carter@oakfield-primary.example.org",
                "roles": ["practitioner"],
                "csrf_token": token,
            },
        )
        assert created.status_code == 200
        temporary = re.search(r'id="temporary-password">([^<]+)<', created.text)
        assert temporary
        newcomer = TestClient(app, follow_redirects=False)
        assert (
            post_sign_in(
                newcomer, "sam.carter@oakfield-primary.example.org", temporary.group(1)
            ).headers["location"]
            == "/sign-in/enrol"
        )
        enrol = newcomer.get("/sign-in/enrol")
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', enrol.text)
        assert secret
        assert 'src="data:image/svg+xml' in enrol.text
        token = form_token(newcomer, "/sign-in/enrol")
        codes = newcomer.post(
            "/sign-in/enrol", data={"code": pyotp.TOTP(secret.group(1)).now(), "csrf_token": token}
        )
        assert codes.status_code == 200
        assert len(re.findall(r"<li>[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}</li>", codes.text)) == 10
        token = form_token(newcomer, "/sign-in/password")
        weak = newcomer.post(
            "/sign-in/password", data={"password": "password1234", "csrf_token": token}
        )
        assert weak.status_code == 422
        assert "too common" in weak.text
        done = newcomer.post(
            "/sign-in/password", data={"password": "kettle river window lamp", "csrf_token": token}
        )
        assert done.status_code == 303
        assert newcomer.get("/account").status_code == 200


class TestSessions:
    def test_sign_out_everywhere_ends_every_session(
        self, client: TestClient, world: DemoWorld, uow: UnitOfWork
    ) -> None:
        sign_in(client, world, "social-worker")
        token = form_token(client, "/account")
        client.post("/account/sign-out-everywhere", data={"csrf_token": token})
        assert client.get("/account").status_code == 303
        with uow:
            live = uow.session.scalars(
                select(accounts.UserSession).where(
                    accounts.UserSession.user_id == world.id("persona:social-worker"),
                    accounts.UserSession.revoked_at.is_(None),
                )
            ).all()
        assert live == []


class TestTimeouts:
    start: datetime

    def later(self, monkeypatch: pytest.MonkeyPatch, delta: timedelta) -> None:
        moved = self.start + delta
        monkeypatch.setattr(clock, "now", lambda: moved)

    def test_a_session_ends_after_thirty_idle_minutes(
        self, client: TestClient, world: DemoWorld, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.start = clock.now()
        sign_in(client, world, "health-visitor")
        self.later(monkeypatch, timedelta(minutes=29))
        assert client.get("/account").status_code == 200
        self.later(monkeypatch, timedelta(minutes=29 + 31))
        assert client.get("/account").status_code == 303

    def test_a_session_ends_after_twelve_hours_however_busy(
        self, client: TestClient, world: DemoWorld, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.start = clock.now()
        sign_in(client, world, "health-visitor")
        for hour in range(1, 12):
            for quarter in range(4):
                self.later(monkeypatch, timedelta(hours=hour - 1, minutes=15 * quarter + 5))
                assert client.get("/account").status_code == 200
        self.later(monkeypatch, timedelta(hours=12, minutes=1))
        assert client.get("/account").status_code == 303


def test_a_recovery_code_signs_in_once(
    client: TestClient, world: DemoWorld, uow: UnitOfWork, app: FastAPI
) -> None:
    email = world.persona("ed-nurse").email
    with uow:
        user = uow.session.scalars(select(accounts.User).where(accounts.User.email == email)).one()
        uow.session.add(
            accounts.RecoveryCode(
                user_id=user.id, code_hash=two_factor.hash_recovery_code("k7qp-2mxd-9tfa")
            )
        )
        uow.commit()
    post_sign_in(client, email, PASSWORD)
    token = form_token(client, "/sign-in/two-factor")
    used = client.post("/sign-in/two-factor", data={"code": "K7QP 2MXD 9TFA", "csrf_token": token})
    assert used.status_code == 303
    assert client.get("/account").status_code == 200
    again = TestClient(app, follow_redirects=False)
    post_sign_in(again, email, PASSWORD)
    token = form_token(again, "/sign-in/two-factor")
    assert (
        again.post(
            "/sign-in/two-factor", data={"code": "k7qp-2mxd-9tfa", "csrf_token": token}
        ).status_code
        == 422
    )
