"""A signed-in person's own account: sessions, signing out, everywhere at once."""

import uuid

from jigsaw import audit
from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AccessBasis
from jigsaw.accounts.sessions import SessionRules, find_session, revoke_sessions
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork


def sign_out(uow: UnitOfWork, *, token: str, rules: SessionRules) -> None:
    """End the session behind this browser's token (nothing to do if it already ended)."""
    now = clock.now()
    with uow:
        row = find_session(uow, token, now=now, rules=rules)
        if row is None:
            return
        row.revoked_at = now
        uow.commit()


def sign_out_everywhere(uow: UnitOfWork, actor: Actor) -> None:
    """End every session of the acting user, on every device."""
    assert actor.id is not None  # noqa: S101 - only signed-in users reach this
    with uow:
        revoke_sessions(uow, actor.id, now=clock.now())
        audit.record(uow, actor, "user:signed_out_everywhere", subject_type="user",
                     subject_id=actor.id, basis=AccessBasis.SELF)  # fmt: skip
        uow.commit()


def end_session(uow: UnitOfWork, actor: Actor, *, session_id: uuid.UUID) -> None:
    """End one of the acting user's own sessions (others' sessions are untouched)."""
    assert actor.id is not None  # noqa: S101 - only signed-in users reach this
    with uow:
        revoke_sessions(uow, actor.id, now=clock.now(), only=session_id)
        audit.record(uow, actor, "user:session_ended", subject_type="session",
                     subject_id=session_id, basis=AccessBasis.SELF)  # fmt: skip
        uow.commit()
