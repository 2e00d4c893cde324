"""Signing in: password, then two-factor (enrolling first if needed), then full access."""

import math
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from jigsaw import audit
from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AccessBasis
from jigsaw.accounts import passwords, two_factor
from jigsaw.accounts.models import RecoveryCode, SessionStage, User, UserSession
from jigsaw.accounts.sessions import (
    SessionRules,
    SessionTicket,
    advance_session,
    clear_failures,
    find_session,
    locked_until,
    open_session,
    record_failure,
    throttle_keys,
)
from jigsaw.core import clock
from jigsaw.core.errors import Invalid, JigsawError, NotFound
from jigsaw.core.sealing import seal, unseal
from jigsaw.core.uow import UnitOfWork

WRONG_CREDENTIALS = "Enter the email address and password for your Jigsaw account"
WRONG_CODE = "Enter the 6-digit code from your authenticator app, or a recovery code"


class SignInLocked(JigsawError):
    """Too many failed attempts: sign-in is paused for this address for a while."""

    title = "Too many attempts"

    def __init__(self, minutes: int) -> None:
        super().__init__(f"locked for {minutes} minutes")
        self.minutes = minutes


def user_actor(user: User) -> Actor:
    """The actor a signed-in user acts as."""
    return Actor.user(
        user.id,
        organisation_id=user.organisation_id,
        agency_kind=user.organisation.kind,
        roles=user.roles,
    )


def sign_in(uow: UnitOfWork, *, email: str, password: str, rules: SessionRules) -> SessionTicket:
    """Check an email address and password and open a session at the two-factor step.

    The same message answers an unknown address, a wrong password and a deactivated
    account, and each takes as long, so nobody learns whether an account exists.

    Raises:
        SignInLocked: too many recent failures for this address or network.
        Invalid: the address and password do not match an active account.
    """
    now = clock.now()
    keys = throttle_keys(email)
    with uow:
        _refuse_if_locked(uow, keys, now=now)
        query = select(User).where(func.lower(User.email) == email.strip().lower())
        user = uow.session.scalar(query)
        live = user is not None and user.is_active
        if not passwords.password_matches(user.password_hash if live and user else None, password):
            record_failure(uow, keys, now=now, rules=rules)
            uow.commit()
            raise Invalid({"email": WRONG_CREDENTIALS})
        assert user is not None  # noqa: S101 - a match implies a user
        clear_failures(uow, keys)
        stage = (
            SessionStage.NEEDS_TWO_FACTOR if user.totp_enrolled_at else SessionStage.NEEDS_ENROLMENT
        )
        ticket = open_session(uow, user, stage, now=now, rules=rules)
        audit.record(uow, user_actor(user), "user:password_accepted", subject_type="user",
                     subject_id=user.id, basis=AccessBasis.SELF)  # fmt: skip
        uow.commit()
    return ticket


def session_user(
    uow: UnitOfWork, token: str, *, rules: SessionRules
) -> tuple[UserSession, User] | None:
    """The live session and its user for a browser's token (a query; commits the touch)."""
    with uow:
        found = _live_session(uow, token, rules=rules)
        if found is None:
            return None
        row, user = found
        _ = user.organisation, user.role_grants  # load for rendering after the block
        uow.commit()
        return row, user


def start_enrolment(
    uow: UnitOfWork, *, token: str, rules: SessionRules, secret_key: str
) -> tuple[str, str]:
    """The secret and QR code for enrolling an authenticator (the same until confirmed).

    Raises:
        NotFound: the session is not at the enrolment step.
    """
    with uow:
        _row, user = _at_stage(uow, token, SessionStage.NEEDS_ENROLMENT, rules=rules)
        if user.totp_secret_sealed is None:
            user.totp_secret_sealed = seal(two_factor.new_secret(), secret_key=secret_key)
        secret = unseal(user.totp_secret_sealed, secret_key=secret_key)
        uow.commit()
    uri = two_factor.provisioning_uri(secret, email=user.email)
    return secret, two_factor.qr_code_data_uri(uri)


def confirm_enrolment(
    uow: UnitOfWork, *, token: str, code: str, rules: SessionRules, secret_key: str
) -> tuple[SessionTicket, list[str]]:
    """Confirm the authenticator with a code; returns recovery codes, shown only now.

    Raises:
        NotFound: the session is not at the enrolment step.
        Invalid: the code is wrong.
    """
    now = clock.now()
    with uow:
        row, user = _at_stage(uow, token, SessionStage.NEEDS_ENROLMENT, rules=rules)
        secret = unseal(user.totp_secret_sealed or "", secret_key=secret_key)
        step = two_factor.accepted_step(secret, code, at=now, last_step=user.totp_last_step)
        if step is None:
            raise Invalid({"code": WRONG_CODE})
        user.totp_enrolled_at, user.totp_last_step = now, step
        codes = _replace_recovery_codes(uow, user)
        ticket = advance_session(uow, row, _after_two_factor(user))
        _audit_signed_in(uow, user, ticket, "user:two_factor_enrolled")
        uow.commit()
    return ticket, codes


def verify_two_factor(
    uow: UnitOfWork, *, token: str, code: str, rules: SessionRules, secret_key: str
) -> SessionTicket:
    """Complete sign-in with a TOTP code or an unused recovery code.

    Raises:
        NotFound: the session is not at the two-factor step.
        SignInLocked: too many wrong codes.
        Invalid: the code is wrong.
    """
    now = clock.now()
    with uow:
        row, user = _at_stage(uow, token, SessionStage.NEEDS_TWO_FACTOR, rules=rules)
        keys = throttle_keys(user.email)
        _refuse_if_locked(uow, keys, now=now)
        if not _code_accepted(uow, user, code, now=now, secret_key=secret_key):
            record_failure(uow, keys, now=now, rules=rules)
            uow.commit()
            raise Invalid({"code": WRONG_CODE})
        ticket = advance_session(uow, row, _after_two_factor(user))
        _audit_signed_in(uow, user, ticket, "user:two_factor_accepted")
        uow.commit()
    return ticket


def choose_password(
    uow: UnitOfWork, *, token: str, password: str, rules: SessionRules
) -> SessionTicket:
    """Replace a temporary password with the user's own, completing sign-in.

    Raises:
        NotFound: the session is not at the password step.
        Invalid: the password would be refused, with the reason.
    """
    with uow:
        row, user = _at_stage(uow, token, SessionStage.NEEDS_PASSWORD_CHANGE, rules=rules)
        reason = passwords.reason_to_refuse(password, email=user.email, name=user.display_name)
        if reason:
            raise Invalid({"password": reason})
        user.password_hash = passwords.hash_password(password)
        user.must_change_password = False
        ticket = advance_session(uow, row, SessionStage.SIGNED_IN)
        _audit_signed_in(uow, user, ticket, "user:password_changed")
        uow.commit()
    return ticket


def _at_stage(
    uow: UnitOfWork, token: str, stage: SessionStage, *, rules: SessionRules
) -> tuple[UserSession, User]:
    found = _live_session(uow, token, rules=rules)
    if found is None or found[0].stage is not stage:
        raise NotFound("session")
    return found


_FOR_PAGES = (joinedload(User.organisation), joinedload(User.role_grants))


def _live_session(
    uow: UnitOfWork, token: str, *, rules: SessionRules
) -> tuple[UserSession, User] | None:
    """The session behind a token and its user, if both are still live."""
    row = find_session(uow, token, now=clock.now(), rules=rules)
    # With what every page needs of them: one query, not three, on every request.
    user = None if row is None else uow.session.get(User, row.user_id, options=_FOR_PAGES)
    if row is None or user is None or not user.is_active:
        return None
    return row, user


def _refuse_if_locked(uow: UnitOfWork, keys: list[str], *, now: datetime) -> None:
    """Raise ``SignInLocked`` while any of the keys is locked, saying for how long."""
    if (until := locked_until(uow, keys, now=now)) is not None:
        raise SignInLocked(math.ceil((until - now).total_seconds() / 60))


def _after_two_factor(user: User) -> SessionStage:
    return (
        SessionStage.NEEDS_PASSWORD_CHANGE if user.must_change_password else SessionStage.SIGNED_IN
    )


def _code_accepted(
    uow: UnitOfWork, user: User, code: str, *, now: datetime, secret_key: str
) -> bool:
    secret = unseal(user.totp_secret_sealed or "", secret_key=secret_key)
    step = two_factor.accepted_step(secret, code, at=now, last_step=user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return True
    recovery = uow.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == two_factor.hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is None:
        return False
    recovery.used_at = now
    return True


def _replace_recovery_codes(uow: UnitOfWork, user: User) -> list[str]:
    for old in uow.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        uow.session.delete(old)
    codes = two_factor.new_recovery_codes()
    uow.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=two_factor.hash_recovery_code(code))
        for code in codes
    )
    return codes


def _audit_signed_in(uow: UnitOfWork, user: User, ticket: SessionTicket, action: str) -> None:
    if ticket.stage is SessionStage.SIGNED_IN:
        user.last_signed_in_at = clock.now()
        action = "user:signed_in"
    audit.record(uow, user_actor(user), action, subject_type="user", subject_id=user.id,
                 basis=AccessBasis.SELF)  # fmt: skip
