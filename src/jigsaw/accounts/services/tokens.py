"""Service accounts and their API tokens: shown once, stored hashed, scoped, expiring."""

import secrets
import uuid
from datetime import timedelta

from sqlalchemy import select

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import TOKEN_PERMISSIONS, Permission
from jigsaw.accounts.models import ApiToken, Organisation, ServiceAccount
from jigsaw.accounts.services.auditing import record_administration
from jigsaw.accounts.sessions import token_hash
from jigsaw.core import clock
from jigsaw.core.errors import Invalid, NotFound
from jigsaw.core.uow import UnitOfWork

TOKEN_PREFIX = "jgs_"  # noqa: S105 - marks Jigsaw tokens for secret scanners
MAX_VALID_DAYS = 365
# last_used_at is written at most this often: a busy integration does not write per call.
TOUCH_EVERY = timedelta(minutes=5)


def _may_manage(actor: Actor, organisation_id: uuid.UUID) -> bool:
    return policy.can(actor, Permission.SERVICE_ACCOUNT_MANAGE) and policy.may_administer(
        actor, organisation_id
    )


def add_service_account(
    uow: UnitOfWork, actor: Actor, *, organisation_id: uuid.UUID, name: str
) -> ServiceAccount:
    """Register an agency system that will call the API for the organisation.

    Raises:
        NotFound: the organisation is not one whose systems the actor manages.
    """
    if not _may_manage(actor, organisation_id):
        raise NotFound("organisation")
    with uow:
        account = ServiceAccount(
            id=uuid.uuid4(), organisation_id=organisation_id, name=name.strip(),
            created_at=clock.now(),
        )  # fmt: skip
        uow.session.add(account)
        record_administration(uow, actor, "service_account:created", "service_account", account.id)
        uow.commit()
    return account


def issue_api_token(
    uow: UnitOfWork,
    actor: Actor,
    *,
    service_account_id: uuid.UUID,
    permissions: frozenset[Permission],
    valid_days: int,
) -> tuple[ApiToken, str]:
    """Issue a token; the secret is returned now and never again.

    Raises:
        NotFound: the service account is not one the actor manages.
        Invalid: no or unsuitable permissions, or a validity outside 1 to 365 days.
    """
    if not permissions or not permissions <= TOKEN_PERMISSIONS:
        raise Invalid({"permissions": "Choose what the token may do"})
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise Invalid({"valid_days": f"A token lasts between 1 and {MAX_VALID_DAYS} days"})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    with uow:
        account = _access_service_account(uow, actor, service_account_id)
        token = ApiToken(
            id=uuid.uuid4(), service_account_id=account.id, token_hash=token_hash(secret),
            prefix=secret[:10], permissions=sorted(permissions), created_at=now,
            created_by=actor.id, expires_at=now + timedelta(days=valid_days),
        )  # fmt: skip
        uow.session.add(token)
        record_administration(uow, actor, "api_token:issued", "api_token", token.id)
        uow.commit()
    return token, secret


def revoke_api_token(uow: UnitOfWork, actor: Actor, *, token_id: uuid.UUID) -> uuid.UUID:
    """Revoke a token at once; returns the organisation whose system it was.

    Raises:
        NotFound: the token is not one the actor manages.
    """
    with uow:
        token = uow.session.get(ApiToken, token_id)
        if token is None:
            raise NotFound("token")
        account = _access_service_account(uow, actor, token.service_account_id)
        token.revoked_at = token.revoked_at or clock.now()
        record_administration(uow, actor, "api_token:revoked", "api_token", token.id)
        uow.commit()
    return account.organisation_id


def token_actor(uow: UnitOfWork, secret: str) -> Actor | None:
    """The service account a bearer token acts as, or None if it is not live."""
    now = clock.now()
    with uow:
        token = uow.session.scalar(
            select(ApiToken).where(ApiToken.token_hash == token_hash(secret))
        )
        if token is None or token.revoked_at is not None or token.expires_at <= now:
            return None
        account = uow.session.get(ServiceAccount, token.service_account_id)
        if account is None or account.deactivated_at is not None:
            return None
        organisation = uow.session.get(Organisation, account.organisation_id)
        assert organisation is not None  # noqa: S101 - enforced by a foreign key
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            token.last_used_at = now
            uow.commit()
        return Actor.service_account(
            account.id,
            organisation_id=organisation.id,
            agency_kind=organisation.kind,
            permissions=frozenset(Permission(p) for p in token.permissions),
        )


def _access_service_account(
    uow: UnitOfWork, actor: Actor, service_account_id: uuid.UUID
) -> ServiceAccount:
    account = uow.session.get(ServiceAccount, service_account_id)
    if account is None:
        raise NotFound("service account")
    if not _may_manage(actor, account.organisation_id):
        raise NotFound("service account")
    return account
