"""Single sign-on with OpenID Connect, end to end against a provider started on localhost.

The TestClient cannot follow the browser to the provider, so each test makes the
authorize hop itself (the provider sends it straight back with a code) and then calls
Jigsaw's callback, as the browser would.
"""

import base64
import html
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.accounts import IdentityProvider, User, oidc
from jigsaw.accounts.services import sso
from jigsaw.audit.models import AuditEvent
from jigsaw.core.sealing import unseal
from jigsaw.core.uow import UnitOfWork
from tests.demo_world import DemoWorld, form_token, load_world, sign_in
from tests.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    FakeProvider,
    Person,
    keyed_with_public_key,
    rsa_key,
    running_provider,
    unsigned,
)

DOMAIN = "oakfield-primary.example.org"
DSL_EMAIL = f"dsl@{DOMAIN}"
CONTINUE = re.compile(r'href="([^"]+)"[^>]*id="continue-to-provider"')


@pytest.fixture(scope="module")
def provider_server() -> Iterator[FakeProvider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def provider(provider_server: FakeProvider) -> Iterator[FakeProvider]:
    provider_server.reset()
    oidc.forget_cached()
    yield provider_server
    oidc.forget_cached()


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=10)


def system_admin(world: DemoWorld) -> Actor:
    return Actor.user(
        world.id("persona:system-admin"),
        organisation_id=world.id("org:la"),
        agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
        roles=frozenset({Role.SYSTEM_ADMIN}),
    )


@pytest.fixture
def oakfield(world: DemoWorld, uow: UnitOfWork, app: FastAPI, provider: FakeProvider) -> None:
    """Oakfield Primary signs in through the test provider."""
    sso.configure_identity_provider(
        uow,
        system_admin(world),
        organisation_id=world.id("org:school-1"),
        name="Oakfield Sign-in",
        issuer=provider.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        remove_client_secret=False,
        email_domain=DOMAIN,
        secret_key=app.state.secret_key,
    )


def start(client: TestClient, email: str) -> httpx2.Response:
    token = form_token(client, "/sign-in/sso")
    return client.post("/sign-in/sso", data={"email": email, "csrf_token": token})


def authorization_url(client: TestClient, email: str) -> str:
    page = start(client, email)
    assert page.status_code == 200, page.text
    link = CONTINUE.search(page.text)
    assert link, "no link on to the provider"
    url = html.unescape(link.group(1))
    assert f'content="0; url={link.group(1)}"' in page.text  # moves on by itself
    return url


def authorize(url: str) -> dict[str, str]:
    """The browser's visit to the provider, which sends it straight back with a code."""
    answer = httpx2.get(url, follow_redirects=False)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["location"])
    assert back.path == "/sign-in/sso/callback"
    return {name: values[0] for name, values in parse_qs(back.query).items()}


def sso_sign_in(client: TestClient, email: str = DSL_EMAIL, **change: str) -> httpx2.Response:
    """The whole round trip; ``change`` alters what reaches the callback (state, code)."""
    returned = authorize(authorization_url(client, email))
    return client.get(f"/sign-in/sso/callback?{urlencode({**returned, **change})}")


def assert_refused(response: httpx2.Response, client: TestClient) -> None:
    assert response.status_code == 422
    assert sso.REFUSED in html.unescape(response.text)
    assert "jigsaw_session" not in client.cookies
    assert client.get("/account").status_code == 303


def user(uow: UnitOfWork, world: DemoWorld, persona: str) -> User:
    with uow:
        found = uow.session.get(User, world.id(f"persona:{persona}"))
        assert found is not None
        return found


@pytest.mark.usefixtures("oakfield")
class TestSignInWithOrganisationAccount:
    def test_a_user_signs_in_and_reaches_their_account(
        self, client: TestClient, provider: FakeProvider, world: DemoWorld, uow: UnitOfWork
    ) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        response = sso_sign_in(client)
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        account = client.get("/account")
        assert account.status_code == 200
        assert "Joanne Whitfield" in account.text
        assert user(uow, world, "dsl-oakfield").sso_subject == "oakfield-0001"

    def test_the_request_uses_pkce_state_and_nonce_and_no_personal_data(
        self, client: TestClient, provider: FakeProvider
    ) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        assert sso_sign_in(client).status_code == 303
        (asked,) = provider.authorize_requests
        assert asked["client_id"] == CLIENT_ID
        assert asked["response_type"] == "code"
        assert asked["code_challenge_method"] == "S256"
        assert "openid" in asked["scope"].split()
        assert len(asked["state"]) >= 32
        assert len(asked["nonce"]) >= 32
        assert "dsl" not in urlencode(asked)
        (exchange,) = provider.token_requests
        assert exchange["authorization"].startswith("Basic ")  # the secret, unsealed
        assert exchange["client_secret"] == ""

    def test_the_client_secret_can_be_posted_instead(
        self, client: TestClient, provider: FakeProvider
    ) -> None:
        provider.auth_methods = ["client_secret_post"]
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        assert sso_sign_in(client).status_code == 303
        (exchange,) = provider.token_requests
        assert exchange["client_secret"] == CLIENT_SECRET
        assert exchange["authorization"] == ""

    def test_later_sign_ins_match_the_subject_not_the_email(
        self, client: TestClient, app: FastAPI, provider: FakeProvider
    ) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        assert sso_sign_in(client).status_code == 303
        provider.person = Person("oakfield-0001", email=None)
        again = TestClient(app, follow_redirects=False)
        assert sso_sign_in(again).status_code == 303
        assert "Joanne Whitfield" in again.get("/account").text

    def test_a_rotated_provider_key_is_fetched(
        self, client: TestClient, app: FastAPI, provider: FakeProvider
    ) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        assert sso_sign_in(client).status_code == 303
        provider.rotate_key()
        again = TestClient(app, follow_redirects=False)
        assert sso_sign_in(again).status_code == 303

    def test_sign_in_is_audited_without_the_token(
        self, client: TestClient, provider: FakeProvider, world: DemoWorld, uow: UnitOfWork
    ) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        sso_sign_in(client)
        with uow:
            actions = uow.session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.subject_id == world.id("persona:dsl-oakfield")
                )
            ).all()
        assert {"user:sso_linked", "user:sso_accepted", "user:signed_in"} <= set(actions)


@pytest.mark.usefixtures("oakfield")
class TestRefusals:
    @pytest.mark.parametrize(
        "claims",
        [
            pytest.param({"iss": "https://login.attacker.example"}, id="unknown-issuer"),
            pytest.param({"aud": "another-client"}, id="another-audience"),
            pytest.param({"nonce": "not-the-nonce-we-sent"}, id="wrong-nonce"),
            pytest.param({"exp": 1_000_000_000, "iat": 999_999_000}, id="expired"),
            pytest.param({"aud": [CLIENT_ID, "another-client"]}, id="several-audiences-no-azp"),
        ],
    )
    def test_a_token_whose_claims_are_wrong_is_refused(
        self, client: TestClient, provider: FakeProvider, claims: dict[str, Any]
    ) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        provider.claims = claims
        assert_refused(sso_sign_in(client), client)

    def test_a_token_with_a_bad_signature_is_refused(
        self, client: TestClient, provider: FakeProvider
    ) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        provider.signing_key = rsa_key(str(provider.key.kid))  # same kid, another key
        assert_refused(sso_sign_in(client), client)

    def test_a_token_signed_by_a_key_the_provider_never_published_is_refused(
        self, client: TestClient, provider: FakeProvider
    ) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        provider.signing_key = rsa_key("attacker-key")
        assert_refused(sso_sign_in(client), client)

    @pytest.mark.parametrize("forgery", ["alg-none", "hs256-with-public-key"])
    def test_unsigned_and_symmetric_tokens_are_refused(
        self, client: TestClient, provider: FakeProvider, forgery: str
    ) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        provider.forge = unsigned if forgery == "alg-none" else keyed_with_public_key(provider)
        assert_refused(sso_sign_in(client), client)

    def test_a_wrong_state_is_refused(self, client: TestClient, provider: FakeProvider) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        assert_refused(sso_sign_in(client, state="not-the-state-we-sent"), client)
        assert provider.token_requests == []  # refused before the code was spent

    def test_a_callback_without_the_browsers_cookie_is_refused(
        self, client: TestClient, app: FastAPI, provider: FakeProvider
    ) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        returned = authorize(authorization_url(client, DSL_EMAIL))
        stranger = TestClient(app, follow_redirects=False)  # login CSRF: another browser
        assert_refused(stranger.get(f"/sign-in/sso/callback?{urlencode(returned)}"), stranger)

    def test_a_tampered_cookie_is_refused(self, client: TestClient, provider: FakeProvider) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        returned = authorize(authorization_url(client, DSL_EMAIL))
        payload, mac = client.cookies["jigsaw_sso"].rsplit(".", 1)
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        body["state"] = "chosen-by-an-attacker"
        forged = base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")
        client.cookies.delete("jigsaw_sso")
        where = {"domain": "testserver.local", "path": "/sign-in/sso"}
        client.cookies.set("jigsaw_sso", f"{forged}.{mac}", **where)
        returned["state"] = "chosen-by-an-attacker"
        assert_refused(client.get(f"/sign-in/sso/callback?{urlencode(returned)}"), client)

    def test_the_provider_saying_no_is_refused(self, client: TestClient) -> None:
        authorization_url(client, DSL_EMAIL)
        assert_refused(client.get("/sign-in/sso/callback?error=access_denied&state=x"), client)

    def test_a_user_of_another_organisation_cannot_sign_in_through_this_provider(
        self, client: TestClient, provider: FakeProvider, world: DemoWorld, uow: UnitOfWork
    ) -> None:
        kestrel = world.persona("dsl-kestrel").email
        provider.person = Person("kestrel-0001", email=kestrel)
        assert_refused(sso_sign_in(client), client)
        assert user(uow, world, "dsl-kestrel").sso_subject is None

    def test_someone_unknown_to_jigsaw_is_refused(
        self, client: TestClient, provider: FakeProvider
    ) -> None:
        provider.person = Person("oakfield-9999", email=f"new.starter@{DOMAIN}")
        assert_refused(sso_sign_in(client), client)

    def test_an_unverified_email_claim_does_not_link_an_account(
        self, client: TestClient, provider: FakeProvider, world: DemoWorld, uow: UnitOfWork
    ) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL, email_verified=False)
        assert_refused(sso_sign_in(client), client)
        assert user(uow, world, "dsl-oakfield").sso_subject is None

    def test_a_deactivated_user_is_refused(
        self, client: TestClient, provider: FakeProvider, world: DemoWorld, uow: UnitOfWork
    ) -> None:
        with uow:
            found = uow.session.get(User, world.id("persona:teacher-oakfield"))
            assert found is not None
            found.is_active = False
            uow.commit()
        provider.person = Person("oakfield-0002", email=world.persona("teacher-oakfield").email)
        assert_refused(sso_sign_in(client), client)

    def test_the_refusal_echoes_nothing_from_the_token(
        self, client: TestClient, provider: FakeProvider
    ) -> None:
        provider.person = Person("oakfield-0001", email=DSL_EMAIL)
        provider.claims = {"nonce": "wrong", "name": "Joanne Whitfield"}
        response = sso_sign_in(client)
        assert_refused(response, client)
        for secret in ("oakfield-0001", DSL_EMAIL, "Joanne", "wrong"):
            assert secret not in response.text


@pytest.mark.usefixtures("world")
class TestStartingSignIn:
    def test_an_address_whose_domain_has_no_provider_is_told_to_use_a_password(
        self, client: TestClient
    ) -> None:
        response = start(client, "safeguarding.lead@riverside-medical.example.org")
        assert response.status_code == 422
        assert "Sign in with your email address and password instead" in response.text
        assert 'href="/sign-in"' in response.text
        assert "jigsaw_sso" not in client.cookies

    def test_an_empty_address_is_asked_for(self, client: TestClient) -> None:
        response = start(client, "")
        assert response.status_code == 422
        assert "Enter your work email address" in response.text

    def test_an_unreachable_provider_says_so(
        self, client: TestClient, world: DemoWorld, uow: UnitOfWork
    ) -> None:
        with uow:
            uow.session.add(
                IdentityProvider(
                    id=uuid.uuid4(),
                    organisation_id=world.id("org:gp-1"),
                    name="Closed",
                    issuer="http://127.0.0.1:9",
                    client_id="x",
                    email_domain="riverside-medical.example.org",
                )
            )
            uow.commit()
        response = start(client, "safeguarding.lead@riverside-medical.example.org")
        assert response.status_code == 422
        assert "is not working at the moment" in response.text


class TestIdentityProviderAdmin:
    def path(self, world: DemoWorld) -> str:
        return f"/admin/organisations/{world.id('org:school-1')}/identity-provider"

    def save(self, client: TestClient, world: DemoWorld, **fields: str) -> httpx2.Response:
        token = form_token(client, self.path(world))
        return client.post(self.path(world), data={**fields, "csrf_token": token})

    def test_the_client_secret_is_stored_sealed_and_never_shown_back(
        self,
        client: TestClient,
        world: DemoWorld,
        uow: UnitOfWork,
        app: FastAPI,
        provider: FakeProvider,
    ) -> None:
        sign_in(client, world, "system-admin")
        settings = {
            "name": "Oakfield Sign-in",
            "issuer": provider.issuer,
            "client_id": CLIENT_ID,
            "email_domain": DOMAIN,
        }
        saved = self.save(client, world, **settings, client_secret=CLIENT_SECRET)
        assert saved.status_code == 303
        with uow:
            stored = uow.session.scalars(select(IdentityProvider)).one()
        assert stored.client_secret_sealed is not None
        assert CLIENT_SECRET not in stored.client_secret_sealed
        assert unseal(stored.client_secret_sealed, secret_key=app.state.secret_key) == (
            CLIENT_SECRET
        )
        page = client.get(self.path(world))
        assert page.status_code == 200
        assert CLIENT_SECRET not in page.text
        assert stored.client_secret_sealed not in page.text
        assert "Stored (it is never shown)" in page.text
        assert self.save(client, world, **settings).status_code == 303  # blank keeps it
        with uow:
            kept = uow.session.scalars(select(IdentityProvider)).one()
        assert kept.client_secret_sealed is not None

    def test_mistakes_are_explained_and_the_secret_is_not_echoed(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        sign_in(client, world, "system-admin")
        response = self.save(
            client,
            world,
            name="Oakfield",
            issuer="http://login.example.org",
            client_id="",
            client_secret=CLIENT_SECRET,
            email_domain="not a domain",
        )
        assert response.status_code == 422
        assert "Enter the issuer as an https address" in response.text
        assert "Enter the client ID" in response.text
        assert "Enter an email domain" in response.text
        assert CLIENT_SECRET not in response.text

    def test_an_issuer_its_discovery_document_does_not_name_is_refused(
        self, client: TestClient, world: DemoWorld, provider: FakeProvider
    ) -> None:
        sign_in(client, world, "system-admin")
        response = self.save(
            client,
            world,
            name="Oakfield",
            issuer=provider.issuer + "/",  # not exactly the issuer the provider states
            client_id=CLIENT_ID,
            email_domain=DOMAIN,
        )
        assert response.status_code == 422
        assert "could not read this issuer" in response.text

    def test_an_organisation_admin_cannot_set_up_single_sign_on(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        sign_in(client, world, "admin-oakfield")
        assert client.get(self.path(world)).status_code == 403
