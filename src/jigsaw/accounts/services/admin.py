"""Administration: organisations (system admins) and users (organisation admins)."""

import secrets
import uuid

from sqlalchemy import func, select

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.accounts import passwords
from jigsaw.accounts.models import Organisation, RecoveryCode, RoleGrant, User
from jigsaw.accounts.queries import access_user
from jigsaw.accounts.services.auditing import record_administration
from jigsaw.accounts.sessions import revoke_sessions
from jigsaw.core import clock
from jigsaw.core.errors import Invalid, NotFound
from jigsaw.core.uow import UnitOfWork


def register_organisation(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    kind: AgencyKind,
    identifier_scheme: str,
    identifier: str,
) -> Organisation:
    """Add an organisation to the partnership.

    Raises:
        PermissionDenied: the actor is not a system admin.
        Invalid: the identifier is already used.
    """
    policy.require(actor, Permission.ORGANISATION_MANAGE)
    with uow:
        clash = select(Organisation.id).where(
            Organisation.identifier_scheme == identifier_scheme,
            Organisation.identifier == identifier,
        )
        if uow.session.scalar(clash) is not None:
            raise Invalid({"identifier": "An organisation with this identifier already exists"})
        organisation = Organisation(
            id=uuid.uuid4(), name=name.strip(), kind=kind, identifier_scheme=identifier_scheme,
            identifier=identifier.strip(), created_at=clock.now(),
        )  # fmt: skip
        uow.session.add(organisation)
        record_administration(
            uow, actor, "organisation:registered", "organisation", organisation.id
        )
        uow.commit()
    return organisation


def add_user(
    uow: UnitOfWork,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    email: str,
    display_name: str,
    job_title: str,
    roles: frozenset[Role],
) -> tuple[User, str]:
    """Create an account with a temporary password, returned once to give to the person.

    They must choose their own password and enrol two-factor when they first sign in.

    Raises:
        NotFound: the organisation is not one the actor administers.
        Invalid: the email address is taken, or a role may not be given by the actor.
    """
    if not policy.may_administer(actor, organisation_id):
        raise NotFound("organisation")
    _check_roles(actor, roles)
    temporary = "-".join(secrets.token_urlsafe(6) for _ in range(3))
    with uow:
        if uow.session.get(Organisation, organisation_id) is None:
            raise NotFound("organisation")
        taken = select(User.id).where(func.lower(User.email) == email.strip().lower())
        if uow.session.scalar(taken) is not None:
            raise Invalid({"email": "An account with this email address already exists"})
        user = User(
            id=uuid.uuid4(), organisation_id=organisation_id, email=email.strip().lower(),
            display_name=display_name.strip(), job_title=job_title.strip(),
            password_hash=passwords.hash_password(temporary), must_change_password=True,
            is_active=True, created_at=clock.now(),
        )  # fmt: skip
        user.role_grants = [RoleGrant(role=role) for role in sorted(roles)]
        uow.session.add(user)
        record_administration(uow, actor, "user:created", "user", user.id)
        uow.commit()
    return user, temporary


def change_roles(
    uow: UnitOfWork, actor: Actor, *, user_id: uuid.UUID, roles: frozenset[Role]
) -> User:
    """Set the roles a user holds.

    Raises:
        NotFound: the user is not one the actor administers.
        Invalid: no role chosen, or a role the actor may not give.
    """
    _check_roles(actor, roles)
    with uow:
        user = access_user(uow, actor, user_id)
        user.role_grants = [grant for grant in user.role_grants if grant.role in roles] + [
            RoleGrant(role=role) for role in sorted(roles - user.roles)
        ]
        record_administration(uow, actor, "user:roles_changed", "user", user.id)
        uow.commit()
    return user


def deactivate_user(uow: UnitOfWork, actor: Actor, *, user_id: uuid.UUID) -> User:
    """Stop a user signing in and end their sessions at once.

    Raises:
        NotFound: the user is not one the actor administers.
        Invalid: admins cannot deactivate themselves.
    """
    if user_id == actor.id:
        raise Invalid({"user": "You cannot deactivate your own account"})
    with uow:
        user = access_user(uow, actor, user_id)
        user.is_active = False
        revoke_sessions(uow, user.id, now=clock.now())
        record_administration(uow, actor, "user:deactivated", "user", user.id)
        uow.commit()
    return user


def reset_two_factor(uow: UnitOfWork, actor: Actor, *, user_id: uuid.UUID) -> User:
    """Clear a user's authenticator and recovery codes; they enrol again at next sign-in.

    Raises:
        NotFound: the user is not one the actor administers.
    """
    with uow:
        user = access_user(uow, actor, user_id)
        user.totp_secret_sealed = user.totp_enrolled_at = user.totp_last_step = None
        for code in uow.session.scalars(
            select(RecoveryCode).where(RecoveryCode.user_id == user.id)
        ):
            uow.session.delete(code)
        revoke_sessions(uow, user.id, now=clock.now())
        record_administration(uow, actor, "user:two_factor_reset", "user", user.id)
        uow.commit()
    return user


def _check_roles(actor: Actor, roles: frozenset[Role]) -> None:
    if not roles:
        raise Invalid({"roles": "Select at least one role"})
    if not roles <= policy.grantable_roles(actor):
        raise Invalid({"roles": "You cannot give one of these roles"})
