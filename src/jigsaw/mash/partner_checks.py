"""Partner checks: the MASH asks the agencies working with the child what they hold.

Each request is due on the contact's timescale from when it was asked; the agency answers
from its inbox; when every agency has answered, the contact goes back to screening with the
answers side by side; late answers are chased (a job), once each.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from jigsaw import audit, notifications
from jigsaw.access import facts, policy
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.permissions import Permission
from jigsaw.accounts import Organisation
from jigsaw.accounts.queries import people_who_can
from jigsaw.config import get_settings
from jigsaw.core import clock
from jigsaw.core.encryption import seal, unseal
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import parse_urgencies
from jigsaw.mash.models import ContactEvent, InformationRequest, MashContact
from jigsaw.mash.rules import Action, ContactState, next_state
from jigsaw.sharing.models import Concern

ASKED = notifications.NotificationKind.INFORMATION_REQUESTED
CHASED = notifications.NotificationKind.INFORMATION_CHASED


@dataclass(frozen=True, slots=True)
class RequestView:
    """A partner check as its reader sees it (question and answer opened)."""

    id: uuid.UUID
    contact_id: uuid.UUID
    organisation: str
    reference: str
    child_id: uuid.UUID | None
    question: str
    asked_at: datetime
    due_at: datetime
    answer: str
    answered_at: datetime | None
    chased: bool


def ask(
    uow: UnitOfWork,
    actor: Actor,
    *,
    contact_id: uuid.UUID,
    organisation_ids: list[uuid.UUID],
    question: str,
) -> list[InformationRequest]:
    """Ask each chosen agency what it holds; the contact waits for partner information.

    Raises:
        NotFound: not a contact of the actor's MASH.
        Invalid: no agency chosen, or one that does not work with the child.
        Conflict: the contact is not being screened.
    """
    if not organisation_ids:
        raise Invalid({"organisations": "Choose at least one agency to ask"})
    with uow:
        contact = _screened_contact(uow, actor, contact_id)
        involved = partners_of(uow, contact)
        if any(org not in involved for org in organisation_ids):
            raise Invalid({"organisations": "Ask only agencies working with the child"})
        try:
            after = next_state(contact.state, Action.REQUEST_INFORMATION)
        except ValueError:
            raise Conflict("start screening the contact before asking partners") from None
        now = clock.now()
        timescale = parse_urgencies(get_settings().mash_timescales)[contact.urgency.value]
        due = get_settings().working_calendar().add(now, timescale)
        concern = uow.session.get_one(Concern, contact.concern_id)
        made = []
        for organisation_id in dict.fromkeys(organisation_ids):
            request = InformationRequest(id=uuid.uuid4(), contact_id=contact.id,
                                         organisation_id=organisation_id, asked_by_id=actor.id,
                                         mash_id=contact.organisation_id, asked_at=now,
                                         due_at=due)  # fmt: skip
            request.question_sealed = seal("mash_information_requests", "question_sealed",
                                           request.id, question)  # fmt: skip
            uow.session.add(request)
            made.append(request)
            _tell_receivers(uow, organisation_id, concern.reference, ASKED, request.id)
        uow.session.add(ContactEvent(id=uuid.uuid4(), contact_id=contact.id,
                                     action=Action.REQUEST_INFORMATION.value,
                                     from_state=contact.state, to_state=after, actor_id=actor.id,
                                     at=now))  # fmt: skip
        contact.state, contact.updated_at = after, now
        audit.record(uow, actor, "contact:information_requested", subject_type="mash_contact",
                     subject_id=contact.id, child_id=contact.child_id)  # fmt: skip
        uow.commit()
    return made


def answer(
    uow: UnitOfWork, actor: Actor, *, request_id: uuid.UUID, text: str
) -> InformationRequest:
    """The agency's answer; the last answer sends the contact back to screening.

    Raises:
        NotFound: not a request to the actor's organisation.
        Invalid: an empty answer.
        Conflict: it has been answered already.
    """
    if not text.strip():
        raise Invalid({"answer": "Write what your agency holds, or that it holds nothing"})
    with uow:
        request = uow.session.get(InformationRequest, request_id)
        if request is None or not policy.may_answer_for(actor, request.organisation_id):
            raise NotFound("information request")
        if request.answered_at is not None:
            raise Conflict("this request has been answered already")
        now = clock.now()
        # Who answered: a person (an agency system's answer is on the audit row alone).
        request.answered_at = now
        request.answered_by_id = actor.id if actor.kind is ActorKind.USER else None
        request.answer_sealed = seal("mash_information_requests", "answer_sealed", request.id,
                                     text)  # fmt: skip
        contact = uow.session.get_one(MashContact, request.contact_id)
        waiting = uow.session.scalars(
            select(InformationRequest.id).where(
                InformationRequest.contact_id == contact.id,
                InformationRequest.answered_at.is_(None), InformationRequest.id != request.id,
            ).limit(1)
        ).first()  # fmt: skip
        if waiting is None and contact.state is ContactState.AWAITING_INFORMATION:
            after = next_state(contact.state, Action.INFORMATION_RECEIVED)
            uow.session.add(ContactEvent(id=uuid.uuid4(), contact_id=contact.id,
                                         action=Action.INFORMATION_RECEIVED.value,
                                         from_state=contact.state, to_state=after,
                                         actor_id=None, at=now))  # fmt: skip
            contact.state, contact.updated_at = after, now
        if contact.assigned_to_id is not None:
            concern = uow.session.get_one(Concern, contact.concern_id)
            notifications.notify(uow, user_ids=[contact.assigned_to_id],
                                 kind=notifications.NotificationKind.INFORMATION_ANSWERED,
                                 reference=concern.reference,
                                 link=f"/mash/contacts/{contact.id}")  # fmt: skip
        audit.record(uow, actor, "contact:information_answered", subject_type="mash_contact",
                     subject_id=contact.id, child_id=contact.child_id)  # fmt: skip
        uow.commit()
    return request


def chase_overdue(uow: UnitOfWork, actor: Actor, *, now: datetime) -> int:
    """Remind agencies whose answer is late (once each request)."""
    with uow:
        rows = uow.session.execute(
            select(InformationRequest, Concern.reference)
            .join(MashContact, MashContact.id == InformationRequest.contact_id)
            .join(Concern, Concern.id == MashContact.concern_id)
            .where(InformationRequest.answered_at.is_(None), InformationRequest.due_at < now,
                   InformationRequest.chased_at.is_(None))
        ).all()  # fmt: skip
        for request, reference in rows:
            request.chased_at = now
            _tell_receivers(uow, request.organisation_id, reference, CHASED, request.id)
            audit.record(uow, actor, "contact:information_chased", subject_type="mash_contact",
                         subject_id=request.contact_id)  # fmt: skip
        uow.commit()
    return len(rows)


def inbox(uow: UnitOfWork, actor: Actor) -> list[RequestView]:
    """The MASH's questions to the actor's organisation, unanswered first, due soonest."""
    if actor.organisation_id is None or not policy.may_answer_for(actor, actor.organisation_id):
        return []
    with uow:
        rows = uow.session.scalars(
            select(InformationRequest)
            .where(InformationRequest.organisation_id == actor.organisation_id)
            .order_by(InformationRequest.answered_at.is_not(None), InformationRequest.due_at)
            .limit(200)
        ).all()
        views = _views(uow, list(rows))
        for view in views:
            audit.record(uow, actor, "contact:information_request_listed",
                         subject_type="information_request", subject_id=view.id,
                         child_id=view.child_id)  # fmt: skip
        uow.commit()
    return views


def open_request(uow: UnitOfWork, actor: Actor, *, request_id: uuid.UUID) -> RequestView:
    """One question to the actor's organisation (an audited read)."""
    with uow:
        request = uow.session.get(InformationRequest, request_id)
        if request is None or not policy.may_answer_for(actor, request.organisation_id):
            raise NotFound("information request")
        [view] = _views(uow, [request])
        audit.record(uow, actor, "contact:information_request_viewed",
                     subject_type="information_request", subject_id=view.id,
                     child_id=view.child_id)  # fmt: skip
        uow.commit()
    return view


def for_contact(uow: UnitOfWork, contact_id: uuid.UUID) -> list[RequestView]:
    """Every partner check on a contact, for its MASH (the caller has checked access)."""
    with uow:
        rows = uow.session.scalars(
            select(InformationRequest)
            .where(InformationRequest.contact_id == contact_id)
            .order_by(InformationRequest.asked_at)
        ).all()
        return _views(uow, list(rows))


def partners_of(uow: UnitOfWork, contact: MashContact) -> dict[uuid.UUID, str]:
    """The agencies working with the contact's child (to ask), by name."""
    if contact.child_id is None:
        return {}
    involved = facts.involved_organisations(uow.session, [contact.child_id])[contact.child_id]
    rows = uow.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(involved - {contact.organisation_id}))
        .order_by(Organisation.name)
    )
    return {row[0]: row[1] for row in rows}


def _screened_contact(uow: UnitOfWork, actor: Actor, contact_id: uuid.UUID) -> MashContact:
    contact = uow.session.get(MashContact, contact_id)
    if contact is None or not policy.may_screen_contacts(actor, contact.organisation_id):
        raise NotFound("contact")
    return contact


def _tell_receivers(
    uow: UnitOfWork,
    organisation_id: uuid.UUID,
    reference: str,
    kind: notifications.NotificationKind,
    request_id: uuid.UUID,
) -> None:
    receivers = people_who_can(uow, organisation_id, Permission.CONCERN_RECEIVE)
    organisation = uow.session.get_one(Organisation, organisation_id)
    notifications.notify(uow, user_ids=receivers, kind=kind, reference=reference,
                         link=f"/information-requests/{request_id}",
                         organisation_name=organisation.name)  # fmt: skip


def _views(uow: UnitOfWork, rows: list[InformationRequest]) -> list[RequestView]:
    if not rows:
        return []
    contacts = {c.id: c for c in uow.session.scalars(
        select(MashContact).where(MashContact.id.in_({r.contact_id for r in rows})))}  # fmt: skip
    concern_ids = {c.concern_id for c in contacts.values()}
    references = {row[0]: row[1] for row in uow.session.execute(
        select(Concern.id, Concern.reference).where(Concern.id.in_(concern_ids)))}  # fmt: skip
    names = {row[0]: row[1] for row in uow.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_({r.organisation_id for r in rows})))}  # fmt: skip
    table = "mash_information_requests"
    return [
        RequestView(
            id=r.id, contact_id=r.contact_id, organisation=names.get(r.organisation_id, ""),
            reference=references.get(contacts[r.contact_id].concern_id, ""),
            child_id=contacts[r.contact_id].child_id,
            question=unseal(table, "question_sealed", r.id, r.question_sealed),
            asked_at=r.asked_at, due_at=r.due_at,
            answer=unseal(table, "answer_sealed", r.id, r.answer_sealed),
            answered_at=r.answered_at, chased=r.chased_at is not None,
        )
        for r in rows
    ]  # fmt: skip


def partner_options(
    uow: UnitOfWork, actor: Actor, *, contact_id: uuid.UUID
) -> dict[uuid.UUID, str]:
    """The agencies the MASH may ask about this contact's child."""
    with uow:
        return partners_of(uow, _screened_contact(uow, actor, contact_id))
