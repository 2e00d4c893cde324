"""Reads about organisations, users and sessions, scoped to the actor."""

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from jigsaw.access import policy
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.permissions import Permission
from jigsaw.access.roles import roles_granting
from jigsaw.accounts.models import (
    ApiToken,
    Organisation,
    RoleGrant,
    ServiceAccount,
    User,
    UserSession,
)
from jigsaw.audit.queries import AuditEntryView
from jigsaw.core import clock
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork


def count_organisations(uow: UnitOfWork) -> int:
    """How many organisations are in the partnership."""
    return uow.session.scalar(select(func.count()).select_from(Organisation)) or 0


def count_practitioners(uow: UnitOfWork) -> int:
    """How many active users can sign in."""
    query = select(func.count()).select_from(User).where(User.is_active.is_(True))
    return uow.session.scalar(query) or 0


def access_user(uow: UnitOfWork, actor: Actor, user_id: uuid.UUID) -> User:
    """A user the actor administers; missing and not-yours are the same ``NotFound``."""
    user = uow.session.get(User, user_id, options=[selectinload(User.role_grants)])
    if user is None:
        raise NotFound("user")
    if not policy.may_administer(actor, user.organisation_id):
        raise NotFound("user")
    return user


def access_organisation(uow: UnitOfWork, actor: Actor, organisation_id: uuid.UUID) -> Organisation:
    """An organisation the actor administers."""
    organisation = uow.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("organisation")
    if not policy.may_administer(actor, organisation.id):
        raise NotFound("organisation")
    return organisation


def list_users(uow: UnitOfWork, actor: Actor, *, organisation_id: uuid.UUID) -> list[User]:
    """The users of an organisation the actor administers, by name."""
    with uow:
        access_organisation(uow, actor, organisation_id)
        query = (
            select(User)
            .where(User.organisation_id == organisation_id)
            .options(selectinload(User.role_grants))
            .order_by(User.display_name)
        )
        return list(uow.session.scalars(query))


def get_organisation(uow: UnitOfWork, actor: Actor, *, organisation_id: uuid.UUID) -> Organisation:
    """One organisation the actor administers."""
    with uow:
        return access_organisation(uow, actor, organisation_id)


def get_user(uow: UnitOfWork, actor: Actor, *, user_id: uuid.UUID) -> User:
    """One user the actor administers."""
    with uow:
        user = access_user(uow, actor, user_id)
        _ = user.organisation
        return user


def list_organisations(uow: UnitOfWork, actor: Actor) -> list[Organisation]:
    """Every organisation in the partnership, for system admins."""
    policy.require(actor, Permission.ORGANISATION_MANAGE)
    with uow:
        return list(uow.session.scalars(select(Organisation).order_by(Organisation.name)))


def list_my_sessions(uow: UnitOfWork, actor: Actor) -> list[UserSession]:
    """The acting user's sessions that are still live, newest first."""
    now = clock.now()
    with uow:
        query = (
            select(UserSession)
            .where(
                UserSession.user_id == actor.id,
                UserSession.revoked_at.is_(None),
                UserSession.expires_at > now,
            )
            .order_by(UserSession.created_at.desc())
        )
        return list(uow.session.scalars(query))


@dataclass(frozen=True, slots=True)
class AccessLine:
    """One audit entry with the names of who did it, for access reports people read."""

    entry: AuditEntryView
    who: str
    organisation: str


def describe_accesses(uow: UnitOfWork, entries: list[AuditEntryView]) -> list[AccessLine]:
    """Put names to the people and organisations in audit entries (two queries in all)."""
    user_ids = {e.actor_id for e in entries if e.actor_kind is ActorKind.USER and e.actor_id}
    org_ids = {e.organisation_id for e in entries if e.organisation_id}
    users = {
        row.id: f"{row.display_name} ({row.job_title})"
        for row in uow.session.execute(
            select(User.id, User.display_name, User.job_title).where(User.id.in_(user_ids))
        )
    }
    organisations = {
        row.id: row.name
        for row in uow.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
        )
    }
    return [
        AccessLine(
            entry=entry,
            who=users.get(entry.actor_id, _system_name(entry))
            if entry.actor_id
            else _system_name(entry),
            organisation=organisations.get(entry.organisation_id, "")
            if entry.organisation_id
            else "",
        )
        for entry in entries
    ]


def _system_name(entry: AuditEntryView) -> str:
    return "An agency system" if entry.actor_kind is ActorKind.SERVICE_ACCOUNT else "Jigsaw"


def list_service_accounts(
    uow: UnitOfWork, actor: Actor, *, organisation_id: uuid.UUID
) -> list[tuple[ServiceAccount, list[ApiToken]]]:
    """An organisation's service accounts with their tokens (never the secrets)."""
    with uow:
        access_organisation(uow, actor, organisation_id)
        if not policy.can(actor, Permission.SERVICE_ACCOUNT_MANAGE):
            return []
        accounts = uow.session.scalars(
            select(ServiceAccount)
            .where(ServiceAccount.organisation_id == organisation_id)
            .order_by(ServiceAccount.name)
        ).all()
        tokens = uow.session.scalars(
            select(ApiToken)
            .where(ApiToken.service_account_id.in_([a.id for a in accounts]))
            .order_by(ApiToken.created_at.desc())
        ).all()
        return [(a, [t for t in tokens if t.service_account_id == a.id]) for a in accounts]


def people_who_can(
    uow: UnitOfWork, organisation_id: uuid.UUID, permission: Permission
) -> list[uuid.UUID]:
    """The active users at an organisation whose roles carry ``permission``: who to tell.

    Inside the caller's open transaction (a notification goes with the change that caused it).
    """
    query = (
        select(User.id)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(User.organisation_id == organisation_id, User.is_active.is_(True))
        .where(RoleGrant.role.in_(roles_granting(permission)))
        .distinct()
    )
    return list(uow.session.scalars(query))
