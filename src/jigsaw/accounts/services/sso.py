"""Single sign-on through an organisation's own OpenID Connect provider, and setting it up.

The calls to the provider (discovery, keys, the code exchange) happen outside the
database transaction, so a slow provider never holds one open.
"""

import hmac
import re
import uuid
from dataclasses import dataclass
from typing import NoReturn

import structlog
from sqlalchemy import func, select

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AccessBasis
from jigsaw.accounts import oidc
from jigsaw.accounts.models import IdentityProvider, Organisation, SessionStage, User
from jigsaw.accounts.queries import access_organisation
from jigsaw.accounts.services.auditing import record_administration
from jigsaw.accounts.services.sign_in import user_actor
from jigsaw.accounts.sessions import SessionRules, SessionTicket, open_session
from jigsaw.core import clock
from jigsaw.core.errors import Invalid
from jigsaw.core.sealing import UnsealError, seal, unseal
from jigsaw.core.uow import UnitOfWork

REFUSED = (
    "Your organisation's sign-in could not be checked. Try again, or sign in with your password."
)
UNAVAILABLE = (
    "Your organisation's sign-in is not working at the moment. "
    "Try again later, or sign in with your password."
)
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
ENTER_EMAIL = "Enter your work email address, like name@example.org"
# The columns' lengths; a sealed secret grows by about a half and must fit in 1000.
MAX_NAME, MAX_ISSUER, MAX_CLIENT_ID, MAX_SECRET = 100, 500, 255, 500

log = structlog.get_logger("jigsaw.accounts.sso")


@dataclass(frozen=True, slots=True)
class SsoPending:
    """What the browser keeps, signed, between leaving for its provider and coming back."""

    provider_id: uuid.UUID
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True, slots=True)
class SsoStart:
    """Where to send the browser to sign in, and what it must keep until it returns."""

    authorization_url: str
    provider_name: str
    pending: SsoPending


@dataclass(frozen=True, slots=True)
class IdentityProviderView:
    """An identity provider's settings for the admin page: the client secret never leaves."""

    name: str
    issuer: str
    client_id: str
    email_domain: str
    has_client_secret: bool


def begin_single_sign_on(uow: UnitOfWork, *, email: str, redirect_uri: str) -> SsoStart | None:
    """Start signing in with the identity provider of the organisation an address belongs to.

    Returns None when no organisation signs in with that address's domain: the person
    uses their Jigsaw password instead.

    Raises:
        Invalid: no address given, or the provider cannot be reached or describes
            itself wrongly.
    """
    domain = oidc.email_domain(email)
    if not domain:
        raise Invalid({"email": ENTER_EMAIL})
    with uow:
        query = select(IdentityProvider).where(IdentityProvider.email_domain == domain)
        provider = uow.session.scalar(query)
    if provider is None:
        return None
    try:
        request = oidc.authorization_request(_client(provider), redirect_uri=redirect_uri)
    except oidc.OidcError as error:
        log.warning("sso.unavailable", provider_id=str(provider.id), reason=error.reason)
        raise Invalid({"email": UNAVAILABLE}) from None
    pending = SsoPending(provider.id, request.state, request.nonce, request.code_verifier)
    return SsoStart(request.url, provider.name, pending)


def complete_single_sign_on(
    uow: UnitOfWork,
    *,
    state: str,
    code: str,
    pending: SsoPending | None,
    redirect_uri: str,
    rules: SessionRules,
    secret_key: str,
) -> SessionTicket:
    """Finish signing in when the browser returns from its organisation's identity provider.

    The session opens fully signed in: the organisation's identity provider enforces its
    own two-factor (a CIS2 smartcard or authenticator, Entra ID's multi-factor policies),
    so Jigsaw does not ask for a second one. The person must be an active user of the
    provider's organisation: matched by their subject at the provider, or on their first
    sign-in by the email claim, when that is their Jigsaw address in the provider's domain.

    Raises:
        Invalid: the same message for every refusal (wrong state, a token that fails any
            check, nobody matching), saying nothing about why.
    """
    if pending is None or not code or not hmac.compare_digest(state, pending.state):
        _refuse(None, "state")
    with uow:
        provider = uow.session.get(IdentityProvider, pending.provider_id)
    if provider is None:
        _refuse(None, "provider")
    try:
        identity = oidc.identify(
            _client(provider, secret_key=secret_key),
            code=code,
            code_verifier=pending.code_verifier,
            nonce=pending.nonce,
            redirect_uri=redirect_uri,
        )
    except (oidc.OidcError, UnsealError) as error:
        _refuse(provider.id, getattr(error, "reason", "client_secret"))
    now = clock.now()
    with uow:
        user = _match_user(uow, provider, identity)
        if user is None:
            _refuse(provider.id, "no_user")
        ticket = open_session(uow, user, SessionStage.SIGNED_IN, now=now, rules=rules)
        user.last_signed_in_at = now
        for action in ("user:sso_accepted", "user:signed_in"):
            _audit_self(uow, user, action)
        uow.commit()
    return ticket


def get_identity_provider(
    uow: UnitOfWork, actor: Actor, *, organisation_id: uuid.UUID
) -> tuple[Organisation, IdentityProviderView | None]:
    """An organisation and its identity provider's settings, if it has one (a query).

    Raises:
        PermissionDenied: the actor is not a system admin.
        NotFound: no such organisation.
    """
    policy.require(actor, Permission.ORGANISATION_MANAGE)
    with uow:
        organisation = access_organisation(uow, actor, organisation_id)
        provider = _provider_of(uow, organisation_id)
        return organisation, None if provider is None else _view(provider)


def configure_identity_provider(
    uow: UnitOfWork,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str,
    remove_client_secret: bool,
    email_domain: str,
    secret_key: str,
) -> IdentityProviderView:
    """Set an organisation's identity provider for single sign-on.

    A blank client secret keeps the one stored; a new one is sealed with the deployment's
    key and never shown again. The issuer is checked by reading its discovery document.

    Raises:
        PermissionDenied: the actor is not a system admin.
        NotFound: no such organisation.
        Invalid: a field is missing or malformed, the domain is another organisation's,
            or the issuer's discovery document cannot be read.
    """
    policy.require(actor, Permission.ORGANISATION_MANAGE)
    name, issuer, client_id = name.strip(), issuer.strip(), client_id.strip()
    domain = email_domain.strip().lower().removeprefix("@")
    _check_settings(name=name, issuer=issuer, client_id=client_id, domain=domain,
                    client_secret=client_secret)  # fmt: skip
    with uow:
        access_organisation(uow, actor, organisation_id)
        _check_domain_free(uow, domain, organisation_id)
        provider = _provider_of(uow, organisation_id) or IdentityProvider(
            id=uuid.uuid4(), organisation_id=organisation_id
        )
        provider.name, provider.issuer, provider.client_id = name, issuer, client_id
        provider.email_domain = domain
        if client_secret:
            provider.client_secret_sealed = seal(client_secret, secret_key=secret_key)
        elif remove_client_secret:
            provider.client_secret_sealed = None
        uow.session.add(provider)
        record_administration(uow, actor, "organisation:identity_provider_configured",
                              "organisation", organisation_id)  # fmt: skip
        uow.commit()
    oidc.forget_cached()
    return _view(provider)


def _check_settings(
    *, name: str, issuer: str, client_id: str, domain: str, client_secret: str
) -> None:
    errors = {}
    if not name or len(name) > MAX_NAME:
        errors["name"] = f"Enter the provider's name, in {MAX_NAME} characters or fewer"
    if not oidc.acceptable_url(issuer) or len(issuer) > MAX_ISSUER:
        errors["issuer"] = "Enter the issuer as an https address"
    if not client_id or len(client_id) > MAX_CLIENT_ID:
        errors["client_id"] = "Enter the client ID the provider gave Jigsaw"
    if len(client_secret) > MAX_SECRET:
        errors["client_secret"] = f"The client secret must be {MAX_SECRET} characters or fewer"
    if not DOMAIN.match(domain):
        errors["email_domain"] = "Enter an email domain, like oakfield-primary.example.org"
    if errors:
        raise Invalid(errors)
    try:
        oidc.discover(issuer)
    except oidc.OidcError as error:
        log.info("sso.discovery_failed", reason=error.reason)
        raise Invalid(
            {"issuer": "Jigsaw could not read this issuer's OpenID configuration"}
        ) from None


def _check_domain_free(uow: UnitOfWork, domain: str, organisation_id: uuid.UUID) -> None:
    query = select(IdentityProvider.id).where(
        IdentityProvider.email_domain == domain,
        IdentityProvider.organisation_id != organisation_id,
    )
    if uow.session.scalar(query) is not None:
        raise Invalid({"email_domain": "Another organisation already signs in with this domain"})


def _match_user(
    uow: UnitOfWork, provider: IdentityProvider, identity: oidc.Identity
) -> User | None:
    members = select(User).where(User.organisation_id == provider.organisation_id)
    user = uow.session.scalar(members.where(User.sso_subject == identity.subject))
    email = identity.email.strip().lower() if identity.email else ""
    if user is None and oidc.email_domain(email) == provider.email_domain:
        # First sign-in: link by the address, unless that account is already linked.
        by_email = members.where(func.lower(User.email) == email, User.sso_subject.is_(None))
        user = uow.session.scalar(by_email)
        if user is not None and user.is_active:
            user.sso_subject = identity.subject
            _audit_self(uow, user, "user:sso_linked")
    return user if user is not None and user.is_active else None


def _provider_of(uow: UnitOfWork, organisation_id: uuid.UUID) -> IdentityProvider | None:
    query = select(IdentityProvider).where(IdentityProvider.organisation_id == organisation_id)
    return uow.session.scalar(query)


def _client(provider: IdentityProvider, *, secret_key: str | None = None) -> oidc.Client:
    sealed = provider.client_secret_sealed
    secret = unseal(sealed, secret_key=secret_key) if sealed and secret_key else None
    return oidc.Client(provider.issuer, provider.client_id, secret)


def _view(provider: IdentityProvider) -> IdentityProviderView:
    return IdentityProviderView(
        name=provider.name,
        issuer=provider.issuer,
        client_id=provider.client_id,
        email_domain=provider.email_domain,
        has_client_secret=provider.client_secret_sealed is not None,
    )


def _audit_self(uow: UnitOfWork, user: User, action: str) -> None:
    audit.record(uow, user_actor(user), action, subject_type="user", subject_id=user.id,
                 basis=AccessBasis.SELF)  # fmt: skip


def _refuse(provider_id: uuid.UUID | None, reason: str) -> NoReturn:
    # Ids and a fixed reason word only: never the token, its claims or who it named.
    log.info("sso.refused", provider_id=str(provider_id) if provider_id else None, reason=reason)
    raise Invalid({"email": REFUSED})
