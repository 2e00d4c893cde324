"""The advisors' queue, a practitioner's own consultations, and one consultation opened."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.accounts import Organisation, User
from jigsaw.children.queries import identities_of
from jigsaw.consultations.models import Consultation
from jigsaw.consultations.rules import Channel, ConsultationOutcome, ConsultationState
from jigsaw.core import clock
from jigsaw.core.encryption import unseal
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.mash.rules import Urgency
from jigsaw.sharing.models import Concern, ConcernStatus

QUEUE_LIMIT = 200
ANONYMOUS = "An anonymous situation"


class QueueView(StrEnum):
    """The advisors' queue filters."""

    WAITING = "waiting"
    MINE = "mine"
    ADVISED = "advised"


@dataclass(frozen=True, slots=True)
class Line:
    """One consultation in a list."""

    id: uuid.UUID
    reference: str
    who: str
    born_on: date | None
    asked_by: str  # the asker's agency
    channel: Channel
    urgency: Urgency
    state: ConsultationState
    outcome: ConsultationOutcome | None
    created_at: datetime
    due_at: datetime
    overdue: bool
    advisor: str | None
    unread: bool  # advice the asker has not opened yet


@dataclass(frozen=True, slots=True)
class Referral:
    """The referral a consultation became."""

    id: uuid.UUID
    reference: str
    status: ConcernStatus


@dataclass(frozen=True, slots=True)
class ConsultationRecord:
    """A consultation opened: what was asked, the advice, and what the reader may do."""

    consultation: Consultation
    who: str
    born_on: date | None
    asker: str  # "Name, Agency" (or the caller as the advisor logged them)
    situation: str
    question: str
    advice: str
    advisor: str | None
    referral: Referral | None
    is_asker: bool
    may_advise: bool
    overdue: bool


def queue(
    uow: UnitOfWork, actor: Actor, *, view: QueueView = QueueView.WAITING, now: datetime
) -> list[Line]:
    """The consultation line's work, soonest due first; the listing is audited."""
    line_id = actor.organisation_id
    if line_id is None or not policy.may_advise_consultations(actor, line_id):
        raise NotFound("consultations")
    query = select(Consultation).where(Consultation.organisation_id == line_id)
    if view is QueueView.ADVISED:
        query = query.where(Consultation.state == ConsultationState.ADVISED).order_by(
            Consultation.advised_at.desc()
        )
    else:
        query = query.where(Consultation.state == ConsultationState.REQUESTED).order_by(
            Consultation.due_at, Consultation.created_at
        )
        if view is QueueView.MINE:
            query = query.where(Consultation.assigned_to_id == actor.id)
    with uow:
        rows = list(uow.session.scalars(query.limit(QUEUE_LIMIT)))
        lines = _lines(uow, rows, now)
        if rows:
            audit.record_many(uow, actor, "consultation:listed", subject_type="consultation",
                              subject_ids=[row.id for row in rows])  # fmt: skip
        uow.commit()
    return lines


def mine(uow: UnitOfWork, actor: Actor, *, now: datetime) -> list[Line]:
    """The consultations the actor asked for, newest first (their own: no audit needed)."""
    if actor.id is None:
        return []
    with uow:
        rows = list(uow.session.scalars(
            select(Consultation).where(Consultation.asker_id == actor.id)
            .order_by(Consultation.created_at.desc()).limit(QUEUE_LIMIT)
        ))  # fmt: skip
        lines = _lines(uow, rows, now)
        if rows:
            audit.record_many(uow, actor, "consultation:listed", subject_type="consultation",
                              subject_ids=[row.id for row in rows])  # fmt: skip
        uow.commit()
    return lines


def open_consultation(
    uow: UnitOfWork, actor: Actor, *, consultation_id: uuid.UUID
) -> ConsultationRecord:
    """A consultation as its reader may see it; an audited read.

    The asker opening it once the advice is given marks the advice read.

    Raises:
        NotFound: no such consultation, or not one the actor may read (the same answer).
    """
    now = clock.now()
    with uow:
        consultation = uow.session.get(Consultation, consultation_id)
        if consultation is None or not policy.may_read_consultation(
            actor, asker_id=consultation.asker_id, line_id=consultation.organisation_id
        ):
            raise NotFound("consultation")
        is_asker = policy.is_consultation_asker(actor, consultation.asker_id)
        if is_asker and consultation.advised_at and consultation.advice_read_at is None:
            consultation.advice_read_at = now
        [line] = _lines(uow, [consultation], now)
        referral = None
        if consultation.concern_id is not None:
            concern = uow.session.get_one(Concern, consultation.concern_id)
            referral = Referral(concern.id, concern.reference, concern.status)
        audit.record(uow, actor, "consultation:viewed", subject_type="consultation",
                     subject_id=consultation.id, child_id=consultation.child_id)  # fmt: skip
        asker = _asker(uow, consultation, line.asked_by)
        uow.commit()

    def opened(column: str) -> str:
        return unseal("consultations", column, consultation.id, getattr(consultation, column))

    return ConsultationRecord(
        consultation=consultation, who=line.who, born_on=line.born_on, asker=asker,
        situation=opened("situation_sealed"), question=opened("question_sealed"),
        advice=opened("advice_sealed"), advisor=line.advisor, referral=referral,
        is_asker=is_asker,
        may_advise=policy.may_advise_consultations(actor, consultation.organisation_id),
        overdue=line.overdue,
    )  # fmt: skip


def for_concern(uow: UnitOfWork, concern_id: uuid.UUID) -> tuple[uuid.UUID, str] | None:
    """The consultation a referral came from (its id and reference), for the concern's page.

    Only the link: the caller has checked that the reader may see the concern.
    """
    with uow:
        row = uow.session.execute(
            select(Consultation.id, Consultation.reference)
            .where(Consultation.concern_id == concern_id)
        ).first()  # fmt: skip
    return (row[0], row[1]) if row else None


def _lines(uow: UnitOfWork, rows: list[Consultation], now: datetime) -> list[Line]:
    known = identities_of(uow, {row.child_id for row in rows if row.child_id is not None})
    agencies = _names(uow, Organisation, {row.asker_organisation_id for row in rows})
    advisors = _names(uow, User, {row.assigned_to_id for row in rows if row.assigned_to_id})
    lines = []
    for row in rows:
        identity = known.get(row.child_id) if row.child_id is not None else None
        waiting = row.state is ConsultationState.REQUESTED
        lines.append(Line(
            id=row.id, reference=row.reference,
            who=identity.name if identity else ANONYMOUS,
            born_on=identity.born_on if identity else None,
            asked_by=agencies.get(row.asker_organisation_id, ""), channel=row.channel,
            urgency=row.urgency, state=row.state, outcome=row.outcome,
            created_at=row.created_at, due_at=row.due_at, overdue=waiting and row.due_at < now,
            advisor=advisors.get(row.assigned_to_id) if row.assigned_to_id else None,
            unread=row.advised_at is not None and row.advice_read_at is None,
        ))  # fmt: skip
    return lines


def _asker(uow: UnitOfWork, consultation: Consultation, agency: str) -> str:
    if consultation.caller_sealed is not None:
        caller = unseal("consultations", "caller_sealed", consultation.id,
                        consultation.caller_sealed)  # fmt: skip
        return f"{caller}, {agency}"
    if consultation.asker_id is None:
        return agency
    name = uow.session.scalar(select(User.display_name).where(User.id == consultation.asker_id))
    return f"{name}, {agency}" if name else agency


def _names(
    uow: UnitOfWork, model: type[User] | type[Organisation], ids: set[uuid.UUID]
) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    column = User.display_name if model is User else Organisation.name
    rows = uow.session.execute(select(model.id, column).where(model.id.in_(ids)))
    return {row[0]: row[1] for row in rows}


def child_to_name(uow: UnitOfWork, actor: Actor, *, child_id: uuid.UUID) -> tuple[str, date | None]:
    """The child a consultation form is about (name and date of birth); an audited read.

    Raises:
        NotFound: not a child the actor may name in a consultation (the same answer).
    """
    with uow:
        if not policy.may_request_consultation_about(uow.session, actor, child_id):
            raise NotFound("child")
        identity = identities_of(uow, {child_id}).get(child_id)
        if identity is None:
            raise NotFound("child")
        audit.record(uow, actor, "consultation:started", subject_type="child",
                     subject_id=child_id, child_id=child_id)  # fmt: skip
        uow.commit()
    return identity.name, identity.born_on


def caller_agencies(uow: UnitOfWork) -> list[tuple[uuid.UUID, str]]:
    """The agencies a phone caller may be from, by name (for the advisor's log form)."""
    with uow:
        rows = uow.session.execute(select(Organisation.id, Organisation.name)
                                   .order_by(Organisation.name)).all()  # fmt: skip
    return [(row[0], row[1]) for row in rows]
