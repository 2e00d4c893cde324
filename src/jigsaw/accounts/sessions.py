"""Server-side sessions and sign-in throttling: the helpers services share (never commit)."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from jigsaw.accounts.models import SessionStage, SignInThrottle, User, UserSession
from jigsaw.core.context import current_request
from jigsaw.core.uow import UnitOfWork

# last_seen_at is written at most this often, so reading pages does not write every time.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SessionRules:
    """How long sessions last and when sign-in locks, from settings."""

    idle: timedelta
    absolute: timedelta
    max_failures: int
    lockout: timedelta


@dataclass(frozen=True, slots=True)
class SessionTicket:
    """What the browser gets: the token (for its cookie) and how far sign-in has got."""

    token: str
    stage: SessionStage


def token_hash(token: str) -> str:
    """The stored form of a session or API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    uow: UnitOfWork, user: User, stage: SessionStage, *, now: datetime, rules: SessionRules
) -> SessionTicket:
    """Start a new session with a fresh random token."""
    token = secrets.token_urlsafe(32)
    request = current_request()
    uow.session.add(
        UserSession(
            id=uuid.uuid4(),
            token_hash=token_hash(token),
            user_id=user.id,
            stage=stage,
            created_at=now,
            last_seen_at=now,
            expires_at=now + rules.absolute,
            ip=request.ip if request else None,
            user_agent=request.user_agent if request else None,
        )
    )
    return SessionTicket(token=token, stage=stage)


def advance_session(uow: UnitOfWork, row: UserSession, stage: SessionStage) -> SessionTicket:
    """Move a session to its next stage under a new token (the id rotates on privilege)."""
    token = secrets.token_urlsafe(32)
    row.token_hash = token_hash(token)
    row.stage = stage
    uow.flush()
    return SessionTicket(token=token, stage=stage)


def find_session(
    uow: UnitOfWork, token: str, *, now: datetime, rules: SessionRules
) -> UserSession | None:
    """The live session for ``token``: not revoked, not idle too long, not past its end."""
    row = uow.session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None or now >= row.expires_at:
        return None
    if now - row.last_seen_at > rules.idle:
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    return row


def revoke_sessions(
    uow: UnitOfWork, user_id: uuid.UUID, *, now: datetime, only: uuid.UUID | None = None
) -> None:
    """Revoke every live session of a user (or just one of them)."""
    query = (
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    if only is not None:
        query = query.where(UserSession.id == only)
    uow.session.execute(query)


def throttle_keys(email: str) -> list[str]:
    """The keys failures count against: the address tried, and where the attempt came from."""
    keys = [_key("email", email.strip().lower())]
    request = current_request()
    if request and request.ip:
        keys.append(_key("ip", request.ip))
    return keys


def locked_until(uow: UnitOfWork, keys: list[str], *, now: datetime) -> datetime | None:
    """When the latest lock on any key ends, if one is in force."""
    rows = uow.session.scalars(select(SignInThrottle).where(SignInThrottle.key_hash.in_(keys)))
    ends = [row.locked_until for row in rows if row.locked_until and row.locked_until > now]
    return max(ends, default=None)


def record_failure(uow: UnitOfWork, keys: list[str], *, now: datetime, rules: SessionRules) -> None:
    """Count a failed attempt; lock a key once it reaches the limit within the window.

    Addresses lock at the limit; a whole network (one IP) only at ten times it, so one
    person cannot lock out a school behind a shared address.
    """
    for key in keys:
        row = uow.session.get(SignInThrottle, key)
        if row is None or now - row.window_started_at > rules.lockout:
            row = uow.session.merge(SignInThrottle(key_hash=key, failures=0, window_started_at=now))
        row.failures += 1
        limit = rules.max_failures * (10 if key.startswith("ip:") else 1)
        if row.failures >= limit:
            row.locked_until = now + rules.lockout
            row.failures = 0
            row.window_started_at = now


def clear_failures(uow: UnitOfWork, keys: list[str]) -> None:
    """Forget failures for an address after a successful sign-in (not for the network)."""
    for key in keys:
        if key.startswith("email:"):
            row = uow.session.get(SignInThrottle, key)
            if row is not None:
                row.failures = 0


def _key(kind: str, value: str) -> str:
    return f"{kind}:" + hashlib.sha256(value.encode()).hexdigest()[:56]
