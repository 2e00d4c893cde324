"""Feedback to every referrer: drafted at the decision, sent by the MASH, escalated when late.

The research behind Jigsaw found that practitioners stop sharing when they never hear what
happened. So a decision always drafts feedback, due within one working day; the MASH may
edit it before it goes; if it has not gone by then, the MASH manager is told; the referrer
acknowledges it or challenges the decision, which becomes the manager's task.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from jigsaw import audit, notifications
from jigsaw.access import policy
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.permissions import Permission
from jigsaw.accounts import Organisation
from jigsaw.accounts.queries import people_who_can
from jigsaw.config import get_settings
from jigsaw.core import clock
from jigsaw.core.encryption import seal, unseal
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import Timescale
from jigsaw.mash.feedback_text import feedback_text
from jigsaw.mash.models import Feedback, FeedbackStatus, MashContact
from jigsaw.mash.rules import Outcome
from jigsaw.sharing.models import AuthorKind, Concern, ConcernStatus

ONE_WORKING_DAY = Timescale.parse("1d")
REASON_MIN = 10


@dataclass(frozen=True, slots=True)
class FeedbackView:
    """Feedback as its reader sees it: the referrer once it is sent, the MASH always."""

    id: uuid.UUID
    status: FeedbackStatus
    outcome: Outcome | None
    text: str
    due_at: datetime
    sent_at: datetime | None
    escalated: bool
    challenge: str
    # The manager's review of a challenge: the answer, when, and whether the decision stood.
    response: str = ""
    reviewed_at: datetime | None = None
    decision_stands: bool | None = None


def draft(uow: UnitOfWork, contact: MashContact, concern: Concern, *, now: datetime) -> Feedback:
    """Write the feedback for a decision, due one working day after it (caller's transaction)."""
    referrer = uow.session.get(Organisation, concern.organisation_id)
    assert contact.outcome is not None  # noqa: S101 - drafted only at a decision
    feedback = Feedback(
        id=uuid.uuid4(), contact_id=contact.id, status=FeedbackStatus.DRAFT, text_sealed="",
        due_at=get_settings().working_calendar().add(now, ONE_WORKING_DAY),
    )  # fmt: skip
    text = feedback_text(contact.outcome, referrer=referrer.kind if referrer else None,
                         reference=concern.reference)  # fmt: skip
    feedback.text_sealed = seal("mash_feedback", "text_sealed", feedback.id, text) or ""
    uow.session.add(feedback)
    return feedback


def send(uow: UnitOfWork, actor: Actor, *, contact_id: uuid.UUID, text: str | None) -> Feedback:
    """Send the feedback (as edited, or as drafted when ``text`` is None) to the referrer.

    The referrer is told in Jigsaw and by email (a referrer's system reads it in the API).

    Raises:
        NotFound: not a contact of the actor's MASH, or no decision yet.
        Conflict: it has already gone.
        Invalid: the text is empty.
    """
    if text is not None and not text.strip():
        raise Invalid({"feedback": "Write the feedback: the referrer is waiting for it"})
    with uow:
        feedback, contact = _of_contact(uow, actor, contact_id)
        if feedback.status is not FeedbackStatus.DRAFT:
            raise Conflict("this feedback has already been sent")
        now = clock.now()
        if text is not None:
            feedback.text_sealed = seal("mash_feedback", "text_sealed", feedback.id, text) or ""
        feedback.status, feedback.sent_at = FeedbackStatus.SENT, now
        contact.feedback_sent_at = now
        # Who sent it: a person (a system's sending is on the audit row alone).
        feedback.sent_by_id = actor.id if actor.kind is ActorKind.USER else None
        concern = uow.session.get_one(Concern, contact.concern_id)
        concern.status, concern.updated_at = ConcernStatus.FEEDBACK_RECEIVED, now
        audit.record(uow, actor, "feedback:sent", subject_type="mash_contact",
                     subject_id=contact.id, child_id=contact.child_id)  # fmt: skip
        if concern.author_kind is AuthorKind.USER:
            notifications.notify(
                uow, user_ids=[concern.author_id], reference=concern.reference,
                kind=notifications.NotificationKind.FEEDBACK_SENT, link=f"/concerns/{concern.id}",
            )  # fmt: skip
        uow.commit()
    return feedback


def escalate_overdue(uow: UnitOfWork, actor: Actor, *, now: datetime) -> int:
    """Tell each MASH's managers about feedback not sent by its due time (once each)."""
    with uow:
        rows = uow.session.execute(
            select(Feedback, MashContact, Concern)
            .join(MashContact, MashContact.id == Feedback.contact_id)
            .join(Concern, Concern.id == MashContact.concern_id)
            .where(Feedback.status == FeedbackStatus.DRAFT, Feedback.due_at < now,
                   Feedback.escalated_at.is_(None))
        ).all()  # fmt: skip
        for feedback, contact, concern in rows:
            feedback.escalated_at = now
            _tell_managers(uow, contact, concern, notifications.NotificationKind.FEEDBACK_OVERDUE)
            audit.record(uow, actor, "feedback:escalated", subject_type="mash_contact",
                         subject_id=contact.id, child_id=contact.child_id)  # fmt: skip
        uow.commit()
    return len(rows)


def acknowledge(uow: UnitOfWork, actor: Actor, *, concern_id: uuid.UUID) -> Feedback:
    """The referrer has read the feedback."""
    return _answer(uow, actor, concern_id, FeedbackStatus.ACKNOWLEDGED, "")


def challenge(uow: UnitOfWork, actor: Actor, *, concern_id: uuid.UUID, reason: str) -> Feedback:
    """The referrer disagrees: the MASH manager reviews it (the local resolution protocol).

    Raises:
        Invalid: no reason given.
    """
    cleaned = " ".join(reason.split())
    if len(cleaned) < REASON_MIN:
        raise Invalid({"challenge": "Say why you disagree, so the manager can review it"})
    return _answer(uow, actor, concern_id, FeedbackStatus.CHALLENGED, cleaned)


def for_referrer(uow: UnitOfWork, actor: Actor, *, concern_id: uuid.UUID) -> FeedbackView | None:
    """The feedback on the actor's own concern, once sent (None before, or for anyone else)."""
    with uow:
        found = _of_concern(uow, concern_id)
        if found is None or not policy.is_concern_author(actor, found[2].author_id):
            return None
        feedback, contact, _concern = found
        if feedback.status is FeedbackStatus.DRAFT:
            return None
        return _view(feedback, contact)


def open_for_referrer(uow: UnitOfWork, actor: Actor, *, concern_id: uuid.UUID) -> FeedbackView:
    """The feedback on the actor's own concern, once sent, for the referrer's system (audited).

    Raises:
        NotFound: not the actor's concern, or no feedback sent on it yet (the same answer).
    """
    with uow:
        found = _of_concern(uow, concern_id)
        if found is None or not policy.is_concern_author(actor, found[2].author_id):
            raise NotFound("feedback")
        feedback, contact, concern = found
        if feedback.status is FeedbackStatus.DRAFT:
            raise NotFound("feedback")
        audit.record(uow, actor, "feedback:viewed", subject_type="concern",
                     subject_id=concern.id, child_id=concern.child_id)  # fmt: skip
        uow.commit()
    return _view(feedback, contact)


def open_for_mash(uow: UnitOfWork, actor: Actor, *, contact_id: uuid.UUID) -> FeedbackView:
    """The feedback on a contact, for its MASH's system (audited).

    Raises:
        NotFound: not a contact of the actor's MASH, or no decision yet (the same answer).
    """
    with uow:
        feedback, contact = _of_contact(uow, actor, contact_id)
        audit.record(uow, actor, "feedback:viewed", subject_type="mash_contact",
                     subject_id=contact.id, child_id=contact.child_id)  # fmt: skip
        uow.commit()
    return _view(feedback, contact)


def for_mash(uow: UnitOfWork, actor: Actor, *, contact_id: uuid.UUID) -> FeedbackView | None:
    """The feedback on a contact, for its MASH (None before the decision)."""
    with uow:
        try:
            feedback, contact = _of_contact(uow, actor, contact_id)
        except NotFound:
            return None
        return _view(feedback, contact)


def _answer(
    uow: UnitOfWork, actor: Actor, concern_id: uuid.UUID, status: FeedbackStatus, reason: str
) -> Feedback:
    with uow:
        found = _of_concern(uow, concern_id)
        if found is None or not policy.is_concern_author(actor, found[2].author_id):
            raise NotFound("feedback")
        feedback, contact, concern = found
        if feedback.status is not FeedbackStatus.SENT:
            raise Conflict("this feedback has been answered already, or has not been sent")
        feedback.status, feedback.answered_at, feedback.answered_by_id = (
            status,
            clock.now(),
            actor.id,
        )
        feedback.challenge_sealed = seal("mash_feedback", "challenge_sealed", feedback.id, reason)
        if status is FeedbackStatus.CHALLENGED:
            _tell_managers(uow, contact, concern,
                           notifications.NotificationKind.DECISION_CHALLENGED)  # fmt: skip
        audit.record(uow, actor, f"feedback:{status.value}", subject_type="concern",
                     subject_id=concern.id, child_id=concern.child_id)  # fmt: skip
        uow.commit()
    return feedback


def _of_contact(
    uow: UnitOfWork, actor: Actor, contact_id: uuid.UUID
) -> tuple[Feedback, MashContact]:
    contact = uow.session.get(MashContact, contact_id)
    if contact is None or not policy.may_screen_contacts(actor, contact.organisation_id):
        raise NotFound("contact")
    feedback = uow.session.scalars(
        select(Feedback).where(Feedback.contact_id == contact.id)
    ).first()
    if feedback is None:
        raise NotFound("feedback")
    return feedback, contact


def _of_concern(
    uow: UnitOfWork, concern_id: uuid.UUID
) -> tuple[Feedback, MashContact, Concern] | None:
    row = uow.session.execute(
        select(Feedback, MashContact, Concern)
        .join(MashContact, MashContact.id == Feedback.contact_id)
        .join(Concern, Concern.id == MashContact.concern_id)
        .where(Concern.id == concern_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def _tell_managers(
    uow: UnitOfWork,
    contact: MashContact,
    concern: Concern,
    kind: notifications.NotificationKind,
) -> None:
    managers = people_who_can(uow, contact.organisation_id, Permission.CONTACT_DECIDE)
    notifications.notify(uow, user_ids=managers, kind=kind, reference=concern.reference,
                         link=f"/mash/contacts/{contact.id}")  # fmt: skip


def _view(feedback: Feedback, contact: MashContact) -> FeedbackView:
    return FeedbackView(
        id=feedback.id, status=feedback.status, outcome=contact.outcome,
        text=unseal("mash_feedback", "text_sealed", feedback.id, feedback.text_sealed),
        due_at=feedback.due_at, sent_at=feedback.sent_at,
        escalated=feedback.escalated_at is not None,
        challenge=unseal("mash_feedback", "challenge_sealed", feedback.id,
                         feedback.challenge_sealed),
        response=unseal("mash_feedback", "challenge_response_sealed", feedback.id,
                        feedback.challenge_response_sealed),
        reviewed_at=feedback.challenge_reviewed_at, decision_stands=feedback.decision_stands,
    )  # fmt: skip
