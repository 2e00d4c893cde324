"""A small demo partnership loaded into the test transaction, and signing in as its personas.

The personas are the demo's own (a school DSL, a teacher, a GP, a MASH manager, ...), with
the same involvements `make demo` gives them, so tests read like the product is used.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import date

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.accounts import ApiToken
from jigsaw.accounts import services as accounts
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import DemoPartnership, DemoPersona, generate_partnership
from jigsaw.demo.loader import demo_id, load_partnership, persona_authenticator_keys

PASSWORD = "synthetic persona password for tests"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class DemoWorld:
    """The loaded partnership, with each persona's authenticator key."""

    partnership: DemoPartnership
    keys: dict[str, str]

    def persona(self, key: str) -> DemoPersona:
        return next(p for p in self.partnership.personas if p.key == f"persona:{key}")

    def id(self, key: str) -> uuid.UUID:
        return demo_id(self.partnership.seed, key)

    def children_of(self, persona: str, role: str | None = None) -> list[uuid.UUID]:
        """Children the persona is personally involved with."""
        return [
            self.id(i.child_key)
            for i in self.partnership.casework.involvements
            if i.persona_key == f"persona:{persona}" and (role is None or i.role == role)
        ]

    def children_at(self, organisation: str) -> list[uuid.UUID]:
        """Children an organisation is involved with."""
        return [
            self.id(i.child_key)
            for i in self.partnership.casework.involvements
            if i.organisation_key == f"org:{organisation}"
        ]

    def code(self, persona: str) -> str:
        return pyotp.TOTP(self.keys[self.persona(persona).email]).now()


def load_world(uow: UnitOfWork, app: FastAPI, *, children: int = 60) -> DemoWorld:
    """Load a small demo partnership into the rolled-back test transaction."""
    partnership = generate_partnership(seed=11, children=children, today=date.today())  # noqa: DTZ011
    secret_key = app.state.secret_key
    load_partnership(uow, Actor.system("test:world"), partnership=partnership,
                     password=PASSWORD, secret_key=secret_key)  # fmt: skip
    keys = persona_authenticator_keys(uow, partnership=partnership, secret_key=secret_key)
    return DemoWorld(partnership, keys)


def form_token(client: TestClient, path: str) -> str:
    """Open a page and read the CSRF token of its forms."""
    page = client.get(path)
    match = CSRF.search(page.text)
    assert match, f"no form token on {path} ({page.status_code})"
    return match.group(1)


def sign_in(client: TestClient, world: DemoWorld, persona: str) -> None:
    """Sign in as a persona with password and two-factor, as a person would."""
    token = form_token(client, "/sign-in")
    email = world.persona(persona).email
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/sign-in/two-factor"
    token = form_token(client, "/sign-in/two-factor")
    response = client.post(
        "/sign-in/two-factor", data={"code": world.code(persona), "csrf_token": token}
    )
    assert response.status_code == 303, response.text


def bearer(
    uow: UnitOfWork, world: DemoWorld, organisation: str, *permissions: str
) -> dict[str, str]:
    """Headers with an API token of a service account at the organisation (``"school-1"``).

    The token carries exactly the permissions asked for, set after issue, so that tests can
    also call endpoints no token may be issued for (merging is a person's decision).
    """
    admin = Actor.user(
        world.id("persona:system-admin"),
        organisation_id=world.id("org:la"),
        agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
        roles=frozenset({Role.SYSTEM_ADMIN}),
    )
    account = accounts.add_service_account(
        uow, admin, organisation_id=world.id(f"org:{organisation}"), name="Test system"
    )
    token, secret = accounts.issue_api_token(
        uow, admin, service_account_id=account.id, permissions=frozenset({Permission.CHILD_READ}),
        valid_days=1,
    )  # fmt: skip
    with uow:
        uow.session.get_one(ApiToken, token.id).permissions = [str(p) for p in permissions]
        uow.commit()
    return {"Authorization": f"Bearer {secret}"}
