"""A referrer's challenge to a decision, as the MASH manager's task: review, answer, revise.

Under the local resolution protocol a practitioner who disagrees with a MASH decision says so
and a manager reviews it. The challenge waits in the manager's list until answered; the
answer says whether the decision stands (or what it now is) and why, and the referrer reads
it with the feedback under My shares.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from jigsaw import audit, notifications
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.accounts import Organisation
from jigsaw.core import clock
from jigsaw.core.encryption import seal, unseal
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.events import services as events
from jigsaw.mash.models import ContactEvent, Feedback, FeedbackStatus, MashContact
from jigsaw.mash.rules import Outcome
from jigsaw.sharing.models import AuthorKind, Concern

REASON_MIN = 10


@dataclass(frozen=True, slots=True)
class ChallengeLine:
    """A challenge waiting for the manager."""

    contact_id: uuid.UUID
    reference: str
    source: str
    outcome: Outcome | None
    challenged_at: datetime
    reason: str


def waiting(uow: UnitOfWork, actor: Actor) -> list[ChallengeLine]:
    """The challenges to the actor's MASH's decisions not yet reviewed, oldest first.

    Only a manager who decides has this list; anyone else gets an empty one.
    """
    organisation_id = actor.organisation_id
    if organisation_id is None or not policy.may_decide_contacts(actor, organisation_id):
        return []
    with uow:
        rows = uow.session.execute(
            select(Feedback, MashContact, Concern, Organisation.name)
            .join(MashContact, MashContact.id == Feedback.contact_id)
            .join(Concern, Concern.id == MashContact.concern_id)
            .join(Organisation, Organisation.id == MashContact.source_organisation_id)
            .where(MashContact.organisation_id == organisation_id,
                   Feedback.status == FeedbackStatus.CHALLENGED,
                   Feedback.challenge_reviewed_at.is_(None))
            .order_by(Feedback.answered_at)
        ).all()  # fmt: skip
        lines = [
            ChallengeLine(
                contact_id=contact.id, reference=concern.reference, source=source,
                outcome=contact.outcome, challenged_at=feedback.answered_at or feedback.due_at,
                reason=unseal("mash_feedback", "challenge_sealed", feedback.id,
                              feedback.challenge_sealed),
            )
            for feedback, contact, concern, source in rows
        ]  # fmt: skip
        if rows:
            audit.record_many(uow, actor, "challenge:listed", subject_type="mash_contact",
                              subject_ids=[row[1].id for row in rows])  # fmt: skip
        uow.commit()
    return lines


def review(
    uow: UnitOfWork, actor: Actor, *, contact_id: uuid.UUID, response: str,
    outcome: Outcome | None = None,
) -> Feedback:  # fmt: skip
    """Answer a challenge: the decision stands (no ``outcome``) or is changed to ``outcome``.

    A changed decision is kept in the contact's history with the answer as its reason; the
    referrer is told and reads the answer with the feedback.

    Raises:
        NotFound: not a contact of the actor's MASH, or the actor does not decide there.
        Conflict: there is no challenge waiting on this contact.
        Invalid: no answer, or a "change" to the outcome already decided.
    """
    cleaned = " ".join(response.split())
    if len(cleaned) < REASON_MIN:
        raise Invalid({"response": "Explain your review to the referrer, in a sentence or two"})
    with uow:
        contact = uow.session.get(MashContact, contact_id)
        if contact is None or not policy.may_decide_contacts(actor, contact.organisation_id):
            raise NotFound("contact")
        feedback = uow.session.scalars(
            select(Feedback).where(Feedback.contact_id == contact.id)
        ).first()
        if (
            feedback is None
            or feedback.status is not FeedbackStatus.CHALLENGED
            or feedback.challenge_reviewed_at is not None
        ):
            raise Conflict("there is no challenge waiting on this contact")
        if outcome is not None and outcome is contact.outcome:
            raise Invalid({"outcome": "Choose a different outcome, or say the decision stands"})
        now = clock.now()
        feedback.challenge_reviewed_at, feedback.challenge_reviewed_by_id = now, actor.id
        feedback.decision_stands = outcome is None
        feedback.challenge_response_sealed = seal(
            "mash_feedback", "challenge_response_sealed", feedback.id, cleaned
        )
        if outcome is not None:
            contact.outcome, contact.updated_at = outcome, now
            event_id = uuid.uuid4()
            uow.session.add(ContactEvent(
                id=event_id, contact_id=contact.id, action="decision_revised",
                from_state=contact.state, to_state=contact.state, actor_id=actor.id, at=now,
                reason_sealed=seal("mash_contact_events", "reason_sealed", event_id, cleaned),
            ))  # fmt: skip
            if contact.child_id is not None:
                mash_name = events.organisation_names(uow, [contact.organisation_id])
                events.record(
                    uow, child_id=contact.child_id, organisation_id=contact.organisation_id,
                    code="mash_decision", occurred_at=now,
                    text=f"{mash_name} changed its decision on review: {outcome.label}",
                    record_kind="mash_contact", record_id=contact.id,
                    shared_with=[contact.source_organisation_id],
                )  # fmt: skip
        concern = uow.session.get_one(Concern, contact.concern_id)
        audit.record(uow, actor, "challenge:reviewed", subject_type="mash_contact",
                     subject_id=contact.id, child_id=contact.child_id)  # fmt: skip
        if concern.author_kind is AuthorKind.USER:
            notifications.notify(
                uow, user_ids=[concern.author_id], reference=concern.reference,
                kind=notifications.NotificationKind.CHALLENGE_REVIEWED,
                link=f"/concerns/{concern.id}",
            )  # fmt: skip
        uow.commit()
    return feedback
