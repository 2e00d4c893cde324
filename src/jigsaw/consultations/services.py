"""Asking for a consultation, answering it, logging a call, and turning it into a referral.

Every service is one transaction with its audit row; free text is sealed before it reaches
the session. The asker reads the advice in their account; advisors are told of each request.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from jigsaw import audit, notifications
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import Organisation, User
from jigsaw.accounts.queries import people_who_can
from jigsaw.children.models import Child
from jigsaw.config import get_settings
from jigsaw.consultations.models import Consultation
from jigsaw.consultations.rules import (
    Channel,
    ConsultationOutcome,
    ConsultationState,
    new_reference,
)
from jigsaw.core import clock
from jigsaw.core.encryption import seal, unseal
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import parse_urgencies
from jigsaw.events import services as events
from jigsaw.mash.rules import Urgency
from jigsaw.sharing import services as sharing
from jigsaw.sharing.models import Concern, Subject
from jigsaw.sharing.rules import Draft

SITUATION_MAX = 8_000
TEXT_MAX = 4_000


@dataclass(frozen=True, slots=True)
class Request:
    """What a practitioner asks: about a named child or an anonymous situation."""

    situation: str
    question: str = ""
    urgency: Urgency = Urgency.AMBER
    child_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Call:
    """A phone consultation as the advisor logs it, with the advice they gave."""

    request: Request
    organisation_id: uuid.UUID | None  # the caller's agency
    caller: str  # the caller's name and role, as they gave it
    caller_email: str  # if they use Jigsaw, they will find the advice in their account
    advice: str
    outcome: ConsultationOutcome | None


def request_consultation(uow: UnitOfWork, actor: Actor, request: Request) -> Consultation:
    """Ask the consultation line to talk a worry through; its advisors are told.

    Raises:
        NotFound: the actor may not ask, or may not name this child (the same answer).
        Invalid: the situation is missing or the text too long.
    """
    problems = _problems(request)
    if problems:
        raise Invalid(problems)
    if actor.id is None or actor.organisation_id is None:
        raise NotFound("consultation")
    if not policy.can(actor, Permission.CONSULTATION_REQUEST):
        raise NotFound("consultation")
    with uow:
        line_id = _consultation_line(uow)
        _check_child(uow, actor, request.child_id)
        consultation = _new(
            uow, request, line_id=line_id, channel=Channel.FORM, asker_id=actor.id,
            asker_organisation_id=actor.organisation_id,
        )  # fmt: skip
        uow.flush()
        _audit(uow, actor, "consultation:requested", consultation)
        advisors = people_who_can(uow, line_id, Permission.CONSULTATION_ADVISE)
        notifications.notify(
            uow, user_ids=advisors, kind=notifications.NotificationKind.CONSULTATION_REQUESTED,
            reference=consultation.reference, link=f"/consultations/{consultation.id}",
        )  # fmt: skip
        uow.commit()
    return consultation


def log_call(uow: UnitOfWork, actor: Actor, call: Call) -> Consultation:
    """Log a phone consultation and the advice given on the call (an advisor's record).

    A caller who uses Jigsaw (found by their email at their agency) reads it in their account.

    Raises:
        NotFound: the actor does not answer a consultation line.
        Invalid: something missing (the caller's agency, the situation, the advice).
    """
    problems = _problems(call.request)
    if call.organisation_id is None:
        problems["organisation_id"] = "Choose the caller's agency"
    if not call.caller.strip():
        problems["caller"] = "Enter the caller's name and role"
    problems |= _advice_problems(call.advice, call.outcome)
    if problems:
        raise Invalid(problems)
    assert call.organisation_id is not None  # noqa: S101 - checked above
    with uow:
        line_id = actor.organisation_id
        if line_id is None or not policy.may_advise_consultations(actor, line_id):
            raise NotFound("consultation")
        if uow.session.get(Organisation, call.organisation_id) is None:
            raise Invalid({"organisation_id": "Choose the caller's agency"})
        _check_child(uow, actor, call.request.child_id)
        asker_id = _user_by_email(uow, call.organisation_id, call.caller_email)
        consultation = _new(
            uow, call.request, line_id=line_id, channel=Channel.PHONE, asker_id=asker_id,
            asker_organisation_id=call.organisation_id,
        )  # fmt: skip
        consultation.caller_sealed = _seal(consultation, "caller_sealed", call.caller)
        consultation.assigned_to_id = actor.id
        _record_advice(consultation, actor, call.advice, call.outcome)
        uow.flush()
        _audit(uow, actor, "consultation:call_logged", consultation)
        if asker_id is not None:
            _tell_asker(uow, consultation)
        uow.commit()
    return consultation


def take(uow: UnitOfWork, actor: Actor, *, consultation_id: uuid.UUID) -> Consultation:
    """An advisor takes a waiting consultation, so no one else picks it up.

    Raises:
        NotFound: not a consultation of the actor's line.
        Conflict: it has been answered or withdrawn.
    """
    with uow:
        consultation = _for_advisor(uow, actor, consultation_id)
        if consultation.state is not ConsultationState.REQUESTED:
            raise Conflict("this consultation has been answered or withdrawn")
        consultation.assigned_to_id = actor.id
        consultation.updated_at = clock.now()
        _audit(uow, actor, "consultation:taken", consultation)
        uow.commit()
    return consultation


def _chronicle(uow: UnitOfWork, consultation: Consultation) -> None:
    """Advice about a named child on the child's chronology, shared with the line.

    The event is the asker's agency's. Its words are the reference, the line and the
    outcome; the advice itself stays in the consultation.
    """
    if consultation.child_id is None or consultation.advised_at is None:
        return
    line = events.organisation_names(uow, [consultation.organisation_id])
    outcome = f": {consultation.outcome.label}" if consultation.outcome else ""
    events.record(
        uow, child_id=consultation.child_id, organisation_id=consultation.asker_organisation_id,
        code="consultation", occurred_at=consultation.advised_at,
        text=f"Consultation {consultation.reference} with {line}{outcome}",
        record_kind="consultation", record_id=consultation.id,
        shared_with=[consultation.organisation_id],
    )  # fmt: skip


def advise(
    uow: UnitOfWork, actor: Actor, *, consultation_id: uuid.UUID, advice: str,
    outcome: ConsultationOutcome | None,
) -> Consultation:  # fmt: skip
    """Record the advice and its outcome; the asker is told and reads it in their account.

    Raises:
        NotFound: not a consultation of the actor's line.
        Conflict: it has been answered or withdrawn.
        Invalid: no advice, or no outcome.
    """
    problems = _advice_problems(advice, outcome)
    if problems:
        raise Invalid(problems)
    with uow:
        consultation = _for_advisor(uow, actor, consultation_id)
        if consultation.state is not ConsultationState.REQUESTED:
            raise Conflict("this consultation has been answered or withdrawn")
        _record_advice(consultation, actor, advice, outcome)
        _chronicle(uow, consultation)
        _audit(uow, actor, "consultation:advised", consultation)
        _tell_asker(uow, consultation)
        uow.commit()
    return consultation


def withdraw(uow: UnitOfWork, actor: Actor, *, consultation_id: uuid.UUID) -> Consultation:
    """The asker no longer needs the consultation (before it is answered).

    Raises:
        NotFound: not the actor's consultation.
        Conflict: it has been answered already.
    """
    with uow:
        consultation = _for_asker(uow, actor, consultation_id)
        if consultation.state is not ConsultationState.REQUESTED:
            raise Conflict("this consultation has been answered and can no longer be withdrawn")
        consultation.state = ConsultationState.WITHDRAWN
        consultation.updated_at = clock.now()
        _audit(uow, actor, "consultation:withdrawn", consultation)
        uow.commit()
    return consultation


def make_referral(uow: UnitOfWork, actor: Actor, *, consultation_id: uuid.UUID) -> Concern:
    """Turn the consultation into a draft referral to the MASH, carrying all it said.

    The child (or, for an anonymous situation, a child still to be described), the situation
    as what happened, and the question and advice under what has been done; the draft is the
    asker's to complete with the sharing decision and send. Once made, the same draft is
    returned again (one referral per consultation), and each links to the other.

    Raises:
        NotFound: not the actor's consultation.
    """
    with uow:
        consultation = _for_asker(uow, actor, consultation_id)
        if consultation.concern_id is not None:
            concern = uow.session.get_one(Concern, consultation.concern_id)
            uow.commit()
            return concern
        subject = Subject.IDENTIFIED if consultation.child_id else Subject.UNIDENTIFIED
        concern = sharing.draft_referral(uow, actor, subject=subject,
                                         child_id=consultation.child_id,
                                         draft=_referral_draft(consultation))  # fmt: skip
        consultation.concern_id = concern.id
        consultation.updated_at = clock.now()
        _audit(uow, actor, "consultation:referral_drafted", consultation)
        uow.commit()
    return concern


def _referral_draft(consultation: Consultation) -> Draft:
    """What the consultation said, in the places a referral keeps it."""
    situation = _unseal(consultation, "situation_sealed")
    question = _unseal(consultation, "question_sealed")
    advice = _unseal(consultation, "advice_sealed")
    done = [f"Talked it through with the consultation line ({consultation.reference})."]
    if question:
        done.append(f"What I asked: {question}")
    if advice:
        outcome = f" ({consultation.outcome.label})" if consultation.outcome else ""
        done.append(f"The advice{outcome}: {advice}")
    return Draft(narrative=situation, actions_taken="\n\n".join(done))


def _problems(request: Request) -> dict[str, str]:
    problems = {}
    if not request.situation.strip():
        problems["situation"] = "Say what is worrying you"
    elif len(request.situation) > SITUATION_MAX:
        problems["situation"] = f"Keep it to {SITUATION_MAX:,} characters: the advisor will ask"
    if len(request.question) > TEXT_MAX:
        problems["question"] = f"Keep the question to {TEXT_MAX:,} characters"
    return problems


def _advice_problems(advice: str, outcome: ConsultationOutcome | None) -> dict[str, str]:
    problems = {}
    if not advice.strip():
        problems["advice"] = "Write the advice you gave"
    elif len(advice) > SITUATION_MAX:
        problems["advice"] = f"Keep the advice to {SITUATION_MAX:,} characters"
    if outcome is None:
        problems["outcome"] = "Choose what you advised"
    return problems


def _consultation_line(uow: UnitOfWork) -> uuid.UUID:
    """The MASH whose advisors answer consultations (the partnership's MASH)."""
    line_id = uow.session.scalar(
        select(Organisation.id).where(Organisation.kind == AgencyKind.MASH)
        .order_by(Organisation.name).limit(1)
    )  # fmt: skip
    if line_id is None:
        raise NotFound("consultation line")
    return line_id


def _check_child(uow: UnitOfWork, actor: Actor, child_id: uuid.UUID | None) -> None:
    if child_id is None:
        return
    child = uow.session.get(Child, child_id)
    if child is None or child.merged_into_id is not None:
        raise NotFound("child")
    if not policy.may_request_consultation_about(uow.session, actor, child.id):
        raise NotFound("child")


def _new(
    uow: UnitOfWork, request: Request, *, line_id: uuid.UUID, channel: Channel,
    asker_id: uuid.UUID | None, asker_organisation_id: uuid.UUID,
) -> Consultation:  # fmt: skip
    now = clock.now()
    settings = get_settings()
    timescale = parse_urgencies(settings.consultation_timescales)[request.urgency.value]
    consultation = Consultation(
        id=uuid.uuid4(), reference=new_reference(), organisation_id=line_id, channel=channel,
        state=ConsultationState.REQUESTED, urgency=request.urgency, asker_id=asker_id,
        asker_organisation_id=asker_organisation_id, child_id=request.child_id,
        situation_sealed="", created_at=now, updated_at=now,
        due_at=settings.working_calendar().add(now, timescale),
    )  # fmt: skip
    consultation.situation_sealed = _seal(consultation, "situation_sealed", request.situation) or ""
    consultation.question_sealed = _seal(consultation, "question_sealed", request.question)
    uow.session.add(consultation)
    return consultation


def _record_advice(
    consultation: Consultation, actor: Actor, advice: str, outcome: ConsultationOutcome | None
) -> None:
    now = clock.now()
    consultation.advice_sealed = _seal(consultation, "advice_sealed", advice)
    consultation.outcome = outcome
    consultation.state = ConsultationState.ADVISED
    consultation.advised_at = now
    consultation.advised_by_id = actor.id
    consultation.assigned_to_id = consultation.assigned_to_id or actor.id
    consultation.updated_at = now


def _tell_asker(uow: UnitOfWork, consultation: Consultation) -> None:
    """Tell a person who asked (an agency's system reads the advice through the API)."""
    if consultation.asker_id is None or uow.session.get(User, consultation.asker_id) is None:
        return
    notifications.notify(
        uow, user_ids=[consultation.asker_id],
        kind=notifications.NotificationKind.CONSULTATION_ADVISED,
        reference=consultation.reference, link=f"/consultations/{consultation.id}",
    )  # fmt: skip


def _user_by_email(uow: UnitOfWork, organisation_id: uuid.UUID, email: str) -> uuid.UUID | None:
    """The caller's Jigsaw account, if the email they gave is one at their agency."""
    wanted = email.strip().lower()
    if not wanted:
        return None
    return uow.session.scalar(
        select(User.id).where(User.organisation_id == organisation_id,
                              func.lower(User.email) == wanted, User.is_active.is_(True))
    )  # fmt: skip


def _for_advisor(uow: UnitOfWork, actor: Actor, consultation_id: uuid.UUID) -> Consultation:
    consultation = uow.session.get(Consultation, consultation_id)
    if consultation is None or not policy.may_advise_consultations(
        actor, consultation.organisation_id
    ):
        raise NotFound("consultation")
    return consultation


def _for_asker(uow: UnitOfWork, actor: Actor, consultation_id: uuid.UUID) -> Consultation:
    consultation = uow.session.get(Consultation, consultation_id)
    if consultation is None or not policy.is_consultation_asker(actor, consultation.asker_id):
        raise NotFound("consultation")
    return consultation


def _seal(consultation: Consultation, column: str, text: str) -> str | None:
    return seal("consultations", column, consultation.id, text.strip())


def _unseal(consultation: Consultation, column: str) -> str:
    return unseal("consultations", column, consultation.id, getattr(consultation, column))


def _audit(uow: UnitOfWork, actor: Actor, action: str, consultation: Consultation) -> None:
    audit.record(uow, actor, action, subject_type="consultation", subject_id=consultation.id,
                 child_id=consultation.child_id)  # fmt: skip


def due_label(urgency: Urgency) -> str:
    """How soon an urgency is answered, as the form offers it ("within 1 working hour")."""
    timescale = parse_urgencies(get_settings().consultation_timescales)[urgency.value]
    return f"within {timescale}"
