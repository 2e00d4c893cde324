"""Working a contact: accept, assign, rate, reject, decide, close; the sharer may withdraw.

Each is one transaction with its audit row and a lifecycle event; the concern's status, as
its sharer sees it under "My shares", follows the contact.
"""

import uuid
from datetime import datetime

from sqlalchemy import select

from jigsaw import audit
from jigsaw.access import facts, policy
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.accounts import User
from jigsaw.core import clock
from jigsaw.core.encryption import seal
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.events import services as events
from jigsaw.mash import feedback, intake
from jigsaw.mash.models import ContactEvent, Feedback, FeedbackStatus, MashContact
from jigsaw.mash.rules import (
    NEEDS_REASON,
    Action,
    ContactState,
    ForbiddenTransition,
    Outcome,
    Urgency,
    next_state,
)
from jigsaw.sharing.models import Concern, ConcernStatus

REASON_MIN = 10
# A contact in one of these states is over: nothing more will happen to it at the MASH.
ENDED = (ContactState.CLOSED, ContactState.REJECTED, ContactState.REVOKED)
# The concern's status as its sharer sees it, for each state of the contact.
CONCERN_STATUS = {
    ContactState.SCREENING: ConcernStatus.SCREENING,
    ContactState.AWAITING_INFORMATION: ConcernStatus.SCREENING,
    ContactState.DECIDED: ConcernStatus.DECIDED,
}


def act(
    uow: UnitOfWork,
    actor: Actor,
    *,
    contact_id: uuid.UUID,
    action: Action,
    reason: str = "",
    outcome: Outcome | None = None,
) -> MashContact:
    """Move a contact along its lifecycle.

    Raises:
        NotFound: no such contact, or not one the actor may act on (the same answer).
        Conflict: the lifecycle does not allow this action now.
        Invalid: a reason (or, to decide, an outcome) is missing.
    """
    cleaned = " ".join(reason.split())
    if action in NEEDS_REASON and len(cleaned) < REASON_MIN:
        raise Invalid({"reason": "Say why, in a sentence: it is kept with the contact"})
    if action is Action.DECIDE and outcome is None:
        raise Invalid({"outcome": "Choose the outcome"})
    with uow:
        contact = _contact_for(uow, actor, contact_id, action)
        before = contact.state
        try:
            contact.state = next_state(before, action)
        except ForbiddenTransition as refused:
            raise Conflict(str(refused)) from None
        if action is Action.CLOSE:
            _check_feedback_done(uow, contact)
        now = clock.now()
        contact.updated_at = now
        # A person who accepts takes the contact; a system leaves it for the MASH to assign.
        person = actor.kind is ActorKind.USER
        if action is Action.ACCEPT and contact.assigned_to_id is None and person:
            contact.assigned_to_id = actor.id
        if action is Action.DECIDE:
            contact.decided_at, contact.outcome = now, outcome
            contact.rationale_sealed = seal("mash_contacts", "rationale_sealed", contact.id,
                                             cleaned)  # fmt: skip
            concern = uow.session.get_one(Concern, contact.concern_id)
            feedback.draft(uow, contact, concern, now=now)
        _event(uow, actor, contact, action.value, before, reason=cleaned)
        _chronicle(uow, contact, action, now)
        _follow(uow, contact)
        audit.record(uow, actor, f"contact:{action.value}", subject_type="mash_contact",
                     subject_id=contact.id, child_id=contact.child_id)  # fmt: skip
        uow.commit()
    return contact


def assign(
    uow: UnitOfWork, actor: Actor, *, contact_id: uuid.UUID, user_id: uuid.UUID
) -> MashContact:
    """Give a contact to a practitioner of the same MASH ("assign to me" included)."""
    with uow:
        contact = _contact_for(uow, actor, contact_id, None)
        user = uow.session.get(User, user_id)
        if user is None or user.organisation_id != contact.organisation_id or not user.is_active:
            raise Invalid({"assigned_to": "Choose someone who works at this MASH"})
        contact.assigned_to_id = user.id
        contact.updated_at = clock.now()
        _event(uow, actor, contact, "assigned", contact.state)
        audit.record(uow, actor, "contact:assigned", subject_type="mash_contact",
                     subject_id=contact.id, child_id=contact.child_id)  # fmt: skip
        uow.commit()
    return contact


def rate(
    uow: UnitOfWork, actor: Actor, *, contact_id: uuid.UUID, urgency: Urgency, reason: str
) -> MashContact:
    """Change a contact's urgency, with the reason; its due time moves with it (from receipt)."""
    cleaned = " ".join(reason.split())
    if len(cleaned) < REASON_MIN:
        raise Invalid({"reason": "Say why the rating changes: it is kept with the contact"})
    with uow:
        contact = _contact_for(uow, actor, contact_id, None)
        if not contact.state.is_open:
            raise Conflict("a decided or closed contact keeps its rating")
        contact.urgency = urgency
        contact.due_at = intake.due_at(contact.received_at, urgency)
        contact.updated_at = clock.now()
        _event(uow, actor, contact, "urgency_changed", contact.state, reason=cleaned)
        audit.record(uow, actor, "contact:rated", subject_type="mash_contact",
                     subject_id=contact.id, child_id=contact.child_id)  # fmt: skip
        uow.commit()
    return contact


def _contact_for(
    uow: UnitOfWork, actor: Actor, contact_id: uuid.UUID, action: Action | None
) -> MashContact:
    """The contact, if the actor may do this to it: MASH staff, its manager, or its sharer."""
    contact = uow.session.get(MashContact, contact_id)
    if contact is None:
        raise NotFound("contact")
    if action is Action.REVOKE:
        concern = uow.session.get_one(Concern, contact.concern_id)
        if not policy.is_concern_author(actor, concern.author_id):
            raise NotFound("contact")
        return contact
    allowed = (
        policy.may_decide_contacts(actor, contact.organisation_id)
        if action in {Action.DECIDE, Action.REJECT}
        else policy.may_screen_contacts(actor, contact.organisation_id)
    )
    if not allowed:
        raise NotFound("contact")
    return contact


def _check_feedback_done(uow: UnitOfWork, contact: MashContact) -> None:
    """A contact closes only once the referrer has had feedback and any challenge is answered.

    Raises:
        Invalid: the feedback is still a draft, or a challenge waits for the manager.
    """
    done = uow.session.scalars(select(Feedback).where(Feedback.contact_id == contact.id)).first()
    if done is None or done.status is FeedbackStatus.DRAFT:
        raise Invalid({"action": "Send the feedback to the referrer before closing the contact"})
    if done.status is FeedbackStatus.CHALLENGED and done.challenge_reviewed_at is None:
        raise Invalid({"action": "Review the referrer's challenge before closing the contact"})


# What the child's chronology says when a contact is decided or ends (the MASH's words).
_CHRONICLED = {
    Action.DECIDE: ("mash_decision", "decided"),
    Action.CLOSE: ("mash_closed", "closed the contact"),
    Action.REJECT: ("mash_closed", "rejected the contact"),
    Action.REVOKE: ("mash_closed", "withdrew the contact"),
}


def _chronicle(uow: UnitOfWork, contact: MashContact, action: Action, now: datetime) -> None:
    """A decision or an ending on the child's chronology: the MASH's, shared with the referrer."""
    if contact.child_id is None or action not in _CHRONICLED:
        return
    code, verb = _CHRONICLED[action]
    words = f"{events.organisation_names(uow, [contact.organisation_id])} {verb}"
    if action is Action.DECIDE and contact.outcome is not None:
        words = f"{words}: {contact.outcome.label}"
    events.record(
        uow, child_id=contact.child_id, organisation_id=contact.organisation_id, code=code,
        occurred_at=now, text=words, record_kind="mash_contact", record_id=contact.id,
        shared_with=[contact.source_organisation_id],
    )  # fmt: skip


def _follow(uow: UnitOfWork, contact: MashContact) -> None:
    """The sharer's view follows the contact (received → screened → decided).

    When the MASH is done with its last open contact about the child, its way into the
    child's record ends.
    """
    status = CONCERN_STATUS.get(contact.state)
    if status is not None:
        uow.session.get_one(Concern, contact.concern_id).status = status
    if contact.state in ENDED and contact.child_id is not None:
        uow.flush()
        still_open = uow.session.scalar(
            select(MashContact.id)
            .where(
                MashContact.child_id == contact.child_id,
                MashContact.organisation_id == contact.organisation_id,
                MashContact.state.not_in(ENDED),
            )
            .limit(1)
        )
        if still_open is None:
            facts.close_mash_case(uow.session, child_id=contact.child_id,
                                  organisation_id=contact.organisation_id,
                                  now=clock.now())  # fmt: skip


def _event(
    uow: UnitOfWork,
    actor: Actor,
    contact: MashContact,
    action: str,
    before: ContactState,
    *,
    reason: str = "",
) -> None:
    event_id = uuid.uuid4()
    uow.session.add(ContactEvent(
        id=event_id, contact_id=contact.id, action=action, from_state=before,
        to_state=contact.state, actor_id=actor.id, at=clock.now(),
        reason_sealed=seal("mash_contact_events", "reason_sealed", event_id, reason),
    ))  # fmt: skip
