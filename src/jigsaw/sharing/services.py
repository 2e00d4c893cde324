"""Raising a concern: a draft saved as the sharer types, guided decisions, sent exactly once.

Every service is one transaction with its audit row. Free text is sealed before it reaches
the session (``core.encryption.seal``); only the author changes a draft; a sent concern is
fixed.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from jigsaw import audit, notifications
from jigsaw.access import facts, policy
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import Organisation
from jigsaw.accounts.queries import people_who_can
from jigsaw.children.models import Child
from jigsaw.core import clock, files
from jigsaw.core.encryption import seal, seal_file, unseal
from jigsaw.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from jigsaw.core.uow import UnitOfWork
from jigsaw.events import services as events
from jigsaw.guidance import engine
from jigsaw.guidance.flows import Flow
from jigsaw.guidance.records import DecisionRecord
from jigsaw.guidance.vocabulary import Decision
from jigsaw.mash import intake
from jigsaw.sharing import rules
from jigsaw.sharing.models import (
    AuthorKind,
    Concern,
    ConcernAttachment,
    ConcernRecipient,
    ConcernStatus,
    GuidedDecision,
    HowKnown,
    RecipientKind,
    RiskTerm,
    ShareDecision,
    Subject,
)
from jigsaw.sharing.rules import Draft
from jigsaw.taxonomy.categories import CATEGORIES
from jigsaw.taxonomy.lawful_basis import Sector

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_PER_CONCERN = 10
_SEALED_FIELDS = (
    ("narrative", "narrative_sealed"),
    ("child_words", "child_words_sealed"),
    ("actions_taken", "actions_taken_sealed"),
    ("subject_description", "subject_description_sealed"),
)


class AlreadySent(Conflict):
    """The concern has been sent (or the decision not to share recorded): it is fixed now."""


@dataclass(frozen=True, slots=True)
class Sent:
    """A concern after sending; ``already`` when it had been sent before (a second click)."""

    concern: Concern
    already: bool


@dataclass(frozen=True, slots=True)
class Raised:
    """A concern raised through the API; ``replayed`` when the idempotency key was seen before."""

    concern: Concern
    replayed: bool


def start_concern(
    uow: UnitOfWork, actor: Actor, *, subject: Subject, child_id: uuid.UUID | None
) -> Concern:
    """Open a draft concern about an indexed, an unborn or a not yet identified child.

    Nothing is shared until it is sent.

    Raises:
        NotFound: the child is not in the index, or the actor may not raise concerns about them.
    """
    with uow:
        concern = _new_concern(uow, actor, subject=subject, child_id=child_id)
        uow.flush()
        _audit(uow, actor, "concern:started", concern)
        uow.commit()
    return concern


def draft_referral(
    uow: UnitOfWork, actor: Actor, *, subject: Subject, child_id: uuid.UUID | None, draft: Draft
) -> Concern:
    """A draft already written, addressed to the MASH (a consultation turned into a referral).

    Runs in the caller's transaction and does not commit. The sharer completes the sharing
    decision and sends it as any other draft.

    Raises:
        NotFound: the child is not in the index, or the actor may not raise concerns about them.
    """
    concern = _new_concern(uow, actor, subject=subject, child_id=child_id)
    uow.flush()
    mash = [o for o, kind in allowed_recipients(uow, concern).items()
            if kind is RecipientKind.MASH_CONTACT]  # fmt: skip
    _write(uow, concern, draft, mash)
    _audit(uow, actor, "concern:started", concern)
    return concern


def save_draft(
    uow: UnitOfWork,
    actor: Actor,
    *,
    concern_id: uuid.UUID,
    draft: Draft,
    recipient_ids: list[uuid.UUID],
) -> Concern:
    """Save what the sharer has written so far; nothing is lost if they close the browser.

    Raises:
        NotFound: not a concern this actor is writing.
        Conflict: the concern has been sent and can no longer change.
        Invalid: a value no draft may hold (an unknown category, text far too long).
    """
    problems = rules.problems_in_draft(draft)
    if problems:
        raise Invalid(problems)
    with uow:
        concern = _own_draft(uow, actor, concern_id)
        _write(uow, concern, draft, recipient_ids)
        _audit(uow, actor, "concern:draft_saved", concern)
        uow.commit()
    return concern


def attach_guided_decision(
    uow: UnitOfWork,
    actor: Actor,
    *,
    concern_id: uuid.UUID,
    flow: Flow,
    answers: list[tuple[str, str]],
    rationale: str,
) -> GuidedDecision:
    """Keep a finished guidance flow with the concern, and pre-fill what it decided.

    The lawful basis, consent position and level of need it suggests are filled in; the
    sharer can still change them, and nothing in a flow stops them sharing.

    Raises:
        NotFound: not a draft this actor is writing.
        Invalid: the answers do not follow the flow to an outcome.
    """
    with uow:
        concern = _own_draft(uow, actor, concern_id)
        record = engine.decision_record(flow, answers, sector=sector_of_actor(actor))
        decision = _guided(concern, record, rationale)
        uow.session.add(decision)
        _prefill(concern, record)
        concern.updated_at = clock.now()
        uow.flush()
        _audit(uow, actor, "concern:guidance_attached", concern)
        uow.commit()
    return decision


def add_attachment(
    uow: UnitOfWork,
    actor: Actor,
    *,
    concern_id: uuid.UUID,
    filename: str,
    data: bytes,
    declared_type: str | None,
) -> ConcernAttachment:
    """Attach a file, once it is shown to be what it claims (type, size, contents).

    Raises:
        Invalid: the file is refused, with what to do instead.
    """
    checked = files.check_upload(
        filename, data, declared_type=declared_type, max_bytes=ATTACHMENT_MAX_BYTES
    )
    with uow:
        concern = _own_draft(uow, actor, concern_id)
        count = len(_attachments_of(uow, concern.id))
        if count >= ATTACHMENTS_PER_CONCERN:
            raise Invalid(
                {"attachment": f"A concern can have up to {ATTACHMENTS_PER_CONCERN} files"}
            )
        attachment = ConcernAttachment(
            id=uuid.uuid4(), concern_id=concern.id, media_type=checked.media_type,
            size=checked.size, uploaded_at=clock.now(), filename_sealed="", content_sealed=b"",
        )  # fmt: skip
        table = "concern_attachments"
        attachment.filename_sealed = seal(table, "filename_sealed", attachment.id,
                                          checked.safe_name) or ""  # fmt: skip
        attachment.content_sealed = seal_file(table, "content_sealed", attachment.id, data)
        uow.session.add(attachment)
        uow.flush()
        _audit(uow, actor, "concern:attachment_added", concern)
        uow.commit()
    return attachment


def send_concern(uow: UnitOfWork, actor: Actor, *, concern_id: uuid.UUID) -> Sent:
    """Send the concern to its recipients, or record the decision not to share.

    Sending twice (a double click, a retried request) sends once: the second call finds the
    concern sent and returns it.

    Raises:
        NotFound: not a concern this actor is writing.
        Invalid: something the record needs is missing; each field says what.
    """
    with uow:
        concern = _own_concern(uow, actor, concern_id)
        if concern.status is not ConcernStatus.DRAFT:
            return Sent(concern, already=True)
        _send(uow, actor, concern)
        uow.commit()
    return Sent(concern, already=False)


def raise_concern(
    uow: UnitOfWork,
    actor: Actor,
    *,
    subject: Subject,
    child_id: uuid.UUID | None,
    draft: Draft,
    recipient_ids: list[uuid.UUID],
    guided: list[tuple[DecisionRecord, str]],
    idempotency_key: str,
    request: dict[str, object],
) -> Raised:
    """Raise and send a concern in one call (an agency's own system, through the API).

    The same key with the same request returns the concern already raised; the same key
    with a different request is refused, so a retry can never share something else.

    Raises:
        Conflict: the key was used for a different request.
        Invalid: the concern is incomplete; each field says what.
        NotFound: the child is not one the actor may raise concerns about.
    """
    digest = hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()
    with uow:
        earlier = uow.session.scalars(
            select(Concern).where(
                Concern.author_id == actor.id, Concern.idempotency_key == idempotency_key
            )
        ).first()
        if earlier is not None:
            if earlier.request_hash != digest:
                raise Conflict("idempotency key already used for a different request")
            uow.session.refresh(earlier, ["recipients"])  # read before the session closes
            return Raised(earlier, replayed=True)
        problems = rules.problems_in_draft(draft)
        if problems:
            raise Invalid(problems)
        concern = _new_concern(uow, actor, subject=subject, child_id=child_id)
        concern.idempotency_key = idempotency_key
        concern.request_hash = digest
        _write(uow, concern, draft, recipient_ids)
        for record, rationale in guided:
            _prefill(concern, record)
            uow.session.add(_guided(concern, record, rationale))
        uow.flush()
        _send(uow, actor, concern)  # audited as sent: raised and sent in one act
        uow.commit()
    return Raised(concern, replayed=False)


def mark_received(uow: UnitOfWork, actor: Actor, concern: Concern) -> None:
    """The first time someone at a recipient organisation opens a concern, it is received.

    Called inside the caller's transaction (opening a concern); tells the sharer.
    """
    recipient = next(
        (r for r in concern.recipients if r.organisation_id == actor.organisation_id), None
    )
    if recipient is None or recipient.received_at is not None:
        return
    recipient.received_at = clock.now()
    # A person who opened it (a system's first read is on the audit row alone).
    recipient.received_by_id = actor.id if actor.kind is ActorKind.USER else None
    if concern.status is ConcernStatus.SENT:
        concern.status = ConcernStatus.RECEIVED
    _audit(uow, actor, "concern:received", concern)
    if concern.author_kind is AuthorKind.USER:
        notifications.notify(
            uow, user_ids=[concern.author_id], kind=notifications.NotificationKind.CONCERN_RECEIVED,
            reference=concern.reference, link=f"/concerns/{concern.id}",
            organisation_name=_organisation_name(uow, recipient.organisation_id),
        )  # fmt: skip


def _new_concern(
    uow: UnitOfWork, actor: Actor, *, subject: Subject, child_id: uuid.UUID | None
) -> Concern:
    if actor.id is None or actor.organisation_id is None:
        raise NotFound("concern")
    if not policy.can(actor, Permission.CONCERN_RAISE):
        raise NotFound("concern")
    if subject is Subject.IDENTIFIED:
        child = uow.session.get(Child, child_id) if child_id is not None else None
        if child is None or child.merged_into_id is not None:
            raise NotFound("child")
        if not policy.may_raise_concern_about(uow.session, actor, child.id):
            raise NotFound("child")
    elif child_id is not None:
        raise Invalid({"child_id": "Only a concern about an identified child names a child"})
    now = clock.now()
    concern = Concern(
        id=uuid.uuid4(), reference=rules.new_reference(), status=ConcernStatus.DRAFT,
        organisation_id=actor.organisation_id, author_id=actor.id,
        author_kind=AuthorKind.SERVICE_ACCOUNT if actor.kind is ActorKind.SERVICE_ACCOUNT
        else AuthorKind.USER,
        created_at=now, updated_at=now, subject=subject, child_id=child_id,
        categories=[], what_shared=[],
    )  # fmt: skip
    uow.session.add(concern)
    return concern


def _own_concern(uow: UnitOfWork, actor: Actor, concern_id: uuid.UUID) -> Concern:
    concern = uow.session.get(Concern, concern_id)
    if concern is None or not policy.is_concern_author(actor, concern.author_id):
        raise NotFound("concern")
    return concern


def _own_draft(uow: UnitOfWork, actor: Actor, concern_id: uuid.UUID) -> Concern:
    concern = _own_concern(uow, actor, concern_id)
    if concern.status is not ConcernStatus.DRAFT:
        raise AlreadySent("this concern has been sent and can no longer be changed")
    return concern


def _write(uow: UnitOfWork, concern: Concern, draft: Draft, recipient_ids: list[uuid.UUID]) -> None:
    """Put a draft's values on the concern, sealing the free text."""
    concern.immediate_danger = draft.immediate_danger
    concern.happened_on = draft.happened_on
    concern.how_known = HowKnown(draft.how_known) if draft.how_known else None
    concern.categories = list(dict.fromkeys(draft.categories))
    concern.agency_risk_term = draft.agency_risk_term or None
    concern.level_of_need = draft.level_of_need
    for name, column in _SEALED_FIELDS:
        setattr(concern, column, seal("concerns", column, concern.id, getattr(draft, name)))
    decision = draft.decision
    concern.share_decision = ShareDecision(decision.decision) if decision.decision else None
    concern.purpose_sealed = seal("concerns", "purpose_sealed", concern.id, decision.purpose)
    concern.decision_reason_sealed = seal("concerns", "decision_reason_sealed", concern.id,
                                          decision.reason)  # fmt: skip
    concern.article_6 = decision.article_6
    concern.article_9 = decision.article_9
    concern.schedule_1 = decision.schedule_1
    concern.part_3 = decision.part_3
    concern.consent = decision.consent
    concern.consent_not_sought_reason = decision.consent_not_sought_reason
    concern.updated_at = clock.now()
    _set_recipients(uow, concern, recipient_ids)


def _set_recipients(uow: UnitOfWork, concern: Concern, recipient_ids: list[uuid.UUID]) -> None:
    wanted = list(dict.fromkeys(recipient_ids))
    allowed = allowed_recipients(uow, concern)
    refused = [r for r in wanted if r not in allowed]
    if refused:
        raise Invalid({"recipients": "Share with the MASH or an agency working with the child"})
    uow.session.execute(delete(ConcernRecipient).where(ConcernRecipient.concern_id == concern.id))
    uow.session.expire(concern, ["recipients"])
    for organisation_id in wanted:
        uow.session.add(ConcernRecipient(concern_id=concern.id, organisation_id=organisation_id,
                                         kind=allowed[organisation_id]))  # fmt: skip


def allowed_recipients(uow: UnitOfWork, concern: Concern) -> dict[uuid.UUID, RecipientKind]:
    """Who this concern may go to: the partnership's MASH, and agencies working with the child."""
    mash = uow.session.scalars(
        select(Organisation.id).where(Organisation.kind == AgencyKind.MASH)
    ).all()
    allowed = dict.fromkeys(mash, RecipientKind.MASH_CONTACT)
    if concern.child_id is not None:
        involved = facts.involved_organisations(uow.session, [concern.child_id])[concern.child_id]
        for organisation_id in involved - {concern.organisation_id}:
            allowed.setdefault(organisation_id, RecipientKind.INVOLVED_ORGANISATION)
    return allowed


def _send(uow: UnitOfWork, actor: Actor, concern: Concern) -> None:
    draft = draft_of(concern)
    attachments = len(_attachments_of(uow, concern.id))
    uow.session.refresh(concern, ["recipients"])
    problems = rules.problems_before_sending(
        draft, identified=concern.subject is Subject.IDENTIFIED,
        recipients=len(concern.recipients), is_police=actor.agency_kind is AgencyKind.POLICE,
    )  # fmt: skip
    if problems:
        raise Invalid(problems)
    now = clock.now()
    concern.sent_at = now
    concern.updated_at = now
    if concern.share_decision is ShareDecision.DO_NOT_SHARE:
        concern.status = ConcernStatus.NOT_SHARED
        uow.session.execute(
            delete(ConcernRecipient).where(ConcernRecipient.concern_id == concern.id)
        )
        _audit(uow, actor, "concern:not_shared", concern)
        return
    concern.status = ConcernStatus.SENT
    concern.what_shared = rules.what_was_shared(draft, attachments=attachments)
    for recipient in concern.recipients:
        if recipient.kind is not RecipientKind.MASH_CONTACT:
            continue
        intake.open_contact(
            uow, concern_id=concern.id, mash_id=recipient.organisation_id,
            source_id=concern.organisation_id, child_id=concern.child_id,
            level_of_need=concern.level_of_need, immediate_danger=concern.immediate_danger,
            now=now,
        )  # fmt: skip
        if concern.child_id is not None:
            facts.open_mash_case(uow.session, child_id=concern.child_id,
                                 organisation_id=recipient.organisation_id, now=now)  # fmt: skip
    _audit(uow, actor, "concern:sent", concern)
    if concern.child_id is not None:
        _chronicle(uow, concern, now)
    for recipient in concern.recipients:
        receivers = people_who_can(uow, recipient.organisation_id, Permission.CONCERN_RECEIVE)
        notifications.notify(
            uow, user_ids=receivers,
            kind=notifications.NotificationKind.CONCERN_SHARED_WITH_YOU,
            reference=concern.reference, link=f"/concerns/{concern.id}",
            organisation_name=_organisation_name(uow, recipient.organisation_id),
        )  # fmt: skip


def _chronicle(uow: UnitOfWork, concern: Concern, now: datetime) -> None:
    """The concern on the child's chronology: its author's agency's, shared with the recipients.

    Its words are its reference, where it went and its categories; the narrative stays in
    the concern, behind the concern's own access rules.
    """
    recipients = [r.organisation_id for r in concern.recipients]
    about = "; ".join(CATEGORIES[code].label for code in concern.categories if code in CATEGORIES)
    text = f"Concern {concern.reference} shared with {events.organisation_names(uow, recipients)}"
    assert concern.child_id is not None  # noqa: S101 - the caller checked
    events.record(
        uow, child_id=concern.child_id, organisation_id=concern.organisation_id,
        code="concern_shared", occurred_at=now, text=f"{text}: {about}" if about else text,
        record_kind="concern", record_id=concern.id, shared_with=recipients,
    )  # fmt: skip


def draft_of(concern: Concern) -> Draft:
    """The concern's values as a draft, its free text opened."""

    def opened(column: str) -> str:
        return unseal("concerns", column, concern.id, getattr(concern, column))

    return Draft(
        immediate_danger=concern.immediate_danger, happened_on=concern.happened_on,
        how_known=concern.how_known.value if concern.how_known else None,
        categories=tuple(concern.categories or ()), agency_risk_term=concern.agency_risk_term,
        level_of_need=concern.level_of_need,
        **{name: opened(column) for name, column in _SEALED_FIELDS},
        decision=rules.SharingDecision(
            decision=concern.share_decision.value if concern.share_decision else None,
            purpose=opened("purpose_sealed"), article_6=concern.article_6,
            article_9=concern.article_9, schedule_1=concern.schedule_1, part_3=concern.part_3,
            consent=concern.consent, consent_not_sought_reason=concern.consent_not_sought_reason,
            reason=opened("decision_reason_sealed"),
        ),
    )  # fmt: skip


def _prefill(concern: Concern, record: DecisionRecord) -> None:
    """What a guidance outcome suggests, filled in where the flow says something."""
    prefill = record.prefill
    if record.decision in {Decision.SHARE, Decision.DO_NOT_SHARE}:
        concern.share_decision = ShareDecision(record.decision.value)
    for name in ("article_6", "article_9", "schedule_1", "part_3", "consent",
                 "consent_not_sought_reason"):  # fmt: skip
        value = getattr(prefill, name)
        if value is not None:
            setattr(concern, name, value)
    if prefill.level_of_need is not None:
        concern.level_of_need = int(prefill.level_of_need)


def _guided(concern: Concern, record: DecisionRecord, rationale: str) -> GuidedDecision:
    decision = GuidedDecision(
        id=uuid.uuid4(), concern_id=concern.id, author_id=concern.author_id,
        flow_id=record.flow_id, flow_version=record.flow_version, flow_title=record.flow_title,
        purpose=_purpose(record), outcome_id=record.outcome_id, record=record.to_json(),
        significant_harm=record.significant_harm, rationale_sealed="", created_at=clock.now(),
    )  # fmt: skip
    text = rationale.strip() or record.rationale
    decision.rationale_sealed = seal("guided_decisions", "rationale_sealed", decision.id,
                                     text) or ""  # fmt: skip
    return decision


def sector_of_actor(actor: Actor) -> Sector:
    """Which lawful bases the actor's organisation can rely on (a system acts as a public body)."""
    return rules.sector_of(actor.agency_kind) if actor.agency_kind else Sector.PUBLIC_BODY


def _purpose(record: DecisionRecord) -> str:
    """What the flow decided: whether to share, or the level of need."""
    return "level_of_need" if record.decision is Decision.LEVEL else "share"


def _attachments_of(uow: UnitOfWork, concern_id: uuid.UUID) -> list[uuid.UUID]:
    query = select(ConcernAttachment.id).where(ConcernAttachment.concern_id == concern_id)
    return list(uow.session.scalars(query))


def _organisation_name(uow: UnitOfWork, organisation_id: uuid.UUID) -> str:
    organisation = uow.session.get(Organisation, organisation_id)
    return organisation.name if organisation is not None else "your organisation"


def _audit(uow: UnitOfWork, actor: Actor, action: str, concern: Concern) -> None:
    audit.record(uow, actor, action, subject_type="concern", subject_id=concern.id,
                 child_id=concern.child_id)  # fmt: skip


RISK_TERMS_MAX = 20


def parse_risk_scale(text: str) -> list[tuple[str, int]]:
    """An organisation's scale as written on the page: one "term = level" a line.

    Raises:
        Invalid: a line is not a term and a level from 1 to 4, or a term is repeated.
    """
    terms: list[tuple[str, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        term, equals, level = line.rpartition("=")
        term = " ".join(term.split())
        if not equals or not term or level.strip() not in {"1", "2", "3", "4"}:
            raise Invalid({"scale": f"Line {number}: write a term, then = and a level from 1 to 4"})
        if len(term) > 100:  # noqa: PLR2004 - the column's length
            raise Invalid({"scale": f"Line {number}: keep the term under 100 characters"})
        if term.lower() in {t.lower() for t, _ in terms}:
            raise Invalid({"scale": f"Line {number}: this term is already on the scale"})
        terms.append((term, int(level)))
    if len(terms) > RISK_TERMS_MAX:
        raise Invalid({"scale": f"A scale has at most {RISK_TERMS_MAX} terms"})
    return terms


def set_risk_scale(uow: UnitOfWork, actor: Actor, *, terms: list[tuple[str, int]]) -> None:
    """Replace the actor's organisation's own risk scale (empty: back to its kind's usual one).

    Raises:
        PermissionDenied: the actor does not administer their organisation.
    """
    organisation_id = actor.organisation_id
    if organisation_id is None or not policy.may_administer(actor, organisation_id):
        raise PermissionDenied
    with uow:
        uow.session.execute(delete(RiskTerm).where(RiskTerm.organisation_id == organisation_id))
        for position, (term, level) in enumerate(terms):
            uow.session.add(RiskTerm(id=uuid.uuid4(), organisation_id=organisation_id, term=term,
                                     level_of_need=level, position=position))  # fmt: skip
        audit.record(uow, actor, "risk_scale:changed", subject_type="organisation",
                     subject_id=organisation_id)  # fmt: skip
        uow.commit()
