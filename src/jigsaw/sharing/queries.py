"""Reading concerns: one concern (an audited read), "My shares", and "Shared with us"."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.policy import ChildAccess, ConcernFacts
from jigsaw.accounts import Organisation, User
from jigsaw.children.queries import identities_of
from jigsaw.core.encryption import unseal, unseal_file
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.sharing import rules, services
from jigsaw.sharing.models import (
    Concern,
    ConcernAttachment,
    ConcernRecipient,
    ConcernStatus,
    GuidedDecision,
    RiskTerm,
    Subject,
)
from jigsaw.sharing.rules import Draft
from jigsaw.taxonomy.levels import LevelOfNeed

LIST_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Who:
    """Who a concern is about, as its readers see it."""

    subject: Subject
    child_id: uuid.UUID | None
    name: str
    born_on: date | None


@dataclass(frozen=True, slots=True)
class Recipient:
    """An organisation a concern went to, and whether it has been opened there."""

    organisation_id: uuid.UUID
    name: str
    kind: str
    received_at: datetime | None


@dataclass(frozen=True, slots=True)
class Guided:
    """A guidance flow kept with a concern, its rationale opened."""

    id: uuid.UUID
    flow_title: str
    flow_version: int
    purpose: str
    record: dict[str, object]
    rationale: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file on a concern (its name opened; its contents only when downloaded)."""

    id: uuid.UUID
    filename: str
    media_type: str
    size: int


@dataclass(frozen=True, slots=True)
class ConcernRecord:
    """A concern as its reader sees it."""

    concern: Concern
    access: ChildAccess
    draft: Draft
    who: Who
    sharer: str
    sharer_organisation: str
    recipients: list[Recipient]
    guided: list[Guided]
    attachments: list[Attachment]


@dataclass(frozen=True, slots=True)
class ConcernLine:
    """One line of "My shares" or "Shared with us"."""

    id: uuid.UUID
    reference: str
    status: ConcernStatus
    who: Who
    organisations: list[str]
    updated_at: datetime
    sent_at: datetime | None
    level_of_need: int | None
    immediate_danger: bool


def open_concern(uow: UnitOfWork, actor: Actor, *, concern_id: uuid.UUID) -> ConcernRecord:
    """Read a concern, auditing the read; a recipient's first read marks it received.

    Raises:
        NotFound: no such concern, or the actor may not read it (the same answer).
    """
    with uow:
        concern, access = _access_concern(uow, actor, concern_id)
        if concern.status is not ConcernStatus.DRAFT and access.basis.value == "recipient":
            services.mark_received(uow, actor, concern)
        record = ConcernRecord(
            concern=concern, access=access, draft=services.draft_of(concern),
            who=_who(uow, [concern])[concern.id], sharer=_sharer(uow, concern),
            sharer_organisation=_organisation_names(uow, {concern.organisation_id}).get(
                concern.organisation_id, ""),
            recipients=_recipients(uow, concern), guided=_guided(uow, concern.id),
            attachments=_attachments(uow, concern.id),
        )  # fmt: skip
        audit.record(uow, actor, "concern:viewed", subject_type="concern", subject_id=concern.id,
                     child_id=concern.child_id, basis=access.basis,
                     basis_id=access.basis_id)  # fmt: skip
        uow.commit()
    return record


def download_attachment(
    uow: UnitOfWork, actor: Actor, *, concern_id: uuid.UUID, attachment_id: uuid.UUID
) -> tuple[Attachment, bytes]:
    """A file on a concern the actor may read, opened; the download is audited."""
    with uow:
        concern, access = _access_concern(uow, actor, concern_id)
        row = uow.session.get(ConcernAttachment, attachment_id)
        if row is None or row.concern_id != concern.id:
            raise NotFound("attachment")
        data = unseal_file("concern_attachments", "content_sealed", row.id, row.content_sealed)
        attachment = _attachment(row)
        audit.record(uow, actor, "concern:attachment_downloaded", subject_type="concern",
                     subject_id=concern.id, child_id=concern.child_id, basis=access.basis,
                     basis_id=access.basis_id)  # fmt: skip
        uow.commit()
    return attachment, data


def my_shares(uow: UnitOfWork, actor: Actor) -> list[ConcernLine]:
    """Every concern the actor has written, drafts included, most recently changed first."""
    if actor.id is None:
        return []
    with uow:
        query = (
            select(Concern)
            .options(selectinload(Concern.recipients))
            .where(Concern.author_id == actor.id)
            .order_by(Concern.updated_at.desc())
            .limit(LIST_LIMIT)
        )
        concerns = list(uow.session.scalars(query))
        lines = _lines(uow, concerns, recipients_named=True)
        _audit_list(uow, actor, concerns, "concern:listed_mine")
        uow.commit()
    return lines


def shared_with_us(uow: UnitOfWork, actor: Actor) -> list[ConcernLine]:
    """What other agencies shared with the actor's organisation, newest first."""
    with uow:
        scope = policy.receives_concerns_for(actor, ConcernRecipient.organisation_id,
                                             Concern.child_id)  # fmt: skip
        query = (
            select(Concern)
            .join(ConcernRecipient, ConcernRecipient.concern_id == Concern.id)
            .where(scope, Concern.status != ConcernStatus.DRAFT)
            .order_by(Concern.sent_at.desc())
            .limit(LIST_LIMIT)
        )
        concerns = list(uow.session.scalars(query))
        lines = _lines(uow, concerns, recipients_named=False)
        _audit_list(uow, actor, concerns, "concern:listed_received")
        uow.commit()
    return lines


def risk_scale(uow: UnitOfWork, actor: Actor) -> list[tuple[str, LevelOfNeed]]:
    """The actor's organisation's own risk terms and the level each maps to."""
    with uow:
        terms = uow.session.scalars(
            select(RiskTerm)
            .where(RiskTerm.organisation_id == actor.organisation_id)
            .order_by(RiskTerm.position)
        ).all()
    if terms:
        return [(term.term, LevelOfNeed(term.level_of_need)) for term in terms]
    if actor.agency_kind is None:
        return []
    return list(rules.default_scale(actor.agency_kind))


def recipient_options(uow: UnitOfWork, actor: Actor, *, concern_id: uuid.UUID) -> list[Recipient]:
    """The organisations the author may share this draft with: the MASH first."""
    with uow:
        concern = services._own_concern(uow, actor, concern_id)
        allowed = services.allowed_recipients(uow, concern)
        names = _organisation_names(uow, set(allowed))
    options = [
        Recipient(organisation_id, names.get(organisation_id, ""), kind.value, None)
        for organisation_id, kind in allowed.items()
    ]
    return sorted(options, key=lambda r: (r.kind != "mash_contact", r.name))


def _access_concern(
    uow: UnitOfWork, actor: Actor, concern_id: uuid.UUID
) -> tuple[Concern, ChildAccess]:
    concern = uow.session.get(Concern, concern_id)
    if concern is None:
        raise NotFound("concern")
    facts = ConcernFacts(
        author_id=concern.author_id,
        recipient_organisation_ids=frozenset(r.organisation_id for r in concern.recipients),
        child_id=concern.child_id,
        is_draft=concern.status is ConcernStatus.DRAFT,
    )
    access = policy.concern_access(uow.session, actor, facts)
    if access is None:
        raise NotFound("concern")
    return concern, access


def _who(uow: UnitOfWork, concerns: list[Concern]) -> dict[uuid.UUID, Who]:
    known = identities_of(uow, {c.child_id for c in concerns if c.child_id is not None})
    found = {}
    for concern in concerns:
        identity = known.get(concern.child_id) if concern.child_id is not None else None
        if identity is not None:
            name, born_on = identity.name, identity.born_on
        else:
            name, born_on = unnamed(concern.subject), None
        found[concern.id] = Who(concern.subject, concern.child_id, name, born_on)
    return found


def unnamed(subject: Subject) -> str:
    """How a concern about a child not in the index names them."""
    return "An unborn child" if subject is Subject.UNBORN else "A child not yet identified"


def _lines(
    uow: UnitOfWork, concerns: list[Concern], *, recipients_named: bool
) -> list[ConcernLine]:
    who = _who(uow, concerns)
    if recipients_named:
        wanted = {r.organisation_id for c in concerns for r in c.recipients}
    else:
        wanted = {c.organisation_id for c in concerns}
    names = _organisation_names(uow, wanted)
    lines = []
    for concern in concerns:
        if recipients_named:
            organisations = [names.get(r.organisation_id, "") for r in concern.recipients]
        else:
            organisations = [names.get(concern.organisation_id, "")]
        lines.append(ConcernLine(
            id=concern.id, reference=concern.reference, status=concern.status,
            who=who[concern.id], organisations=organisations, updated_at=concern.updated_at,
            sent_at=concern.sent_at, level_of_need=concern.level_of_need,
            immediate_danger=concern.immediate_danger,
        ))  # fmt: skip
    return lines


def _audit_list(uow: UnitOfWork, actor: Actor, concerns: list[Concern], action: str) -> None:
    for concern in concerns:
        audit.record(uow, actor, action, subject_type="concern", subject_id=concern.id,
                     child_id=concern.child_id)  # fmt: skip


def _recipients(uow: UnitOfWork, concern: Concern) -> list[Recipient]:
    names = _organisation_names(uow, {r.organisation_id for r in concern.recipients})
    return [
        Recipient(r.organisation_id, names.get(r.organisation_id, ""), r.kind.value, r.received_at)
        for r in concern.recipients
    ]


def _guided(uow: UnitOfWork, concern_id: uuid.UUID) -> list[Guided]:
    rows = uow.session.scalars(
        select(GuidedDecision)
        .where(GuidedDecision.concern_id == concern_id)
        .order_by(GuidedDecision.created_at)
    )
    return [
        Guided(
            id=row.id, flow_title=row.flow_title, flow_version=row.flow_version,
            purpose=row.purpose, record=row.record, created_at=row.created_at,
            rationale=unseal("guided_decisions", "rationale_sealed", row.id, row.rationale_sealed),
        )
        for row in rows
    ]  # fmt: skip


def _attachments(uow: UnitOfWork, concern_id: uuid.UUID) -> list[Attachment]:
    rows = uow.session.scalars(
        select(ConcernAttachment)
        .where(ConcernAttachment.concern_id == concern_id)
        .order_by(ConcernAttachment.uploaded_at)
    )
    return [_attachment(row) for row in rows]


def _attachment(row: ConcernAttachment) -> Attachment:
    name = unseal("concern_attachments", "filename_sealed", row.id, row.filename_sealed)
    return Attachment(row.id, name, row.media_type, row.size)


def _sharer(uow: UnitOfWork, concern: Concern) -> str:
    user = uow.session.get(User, concern.author_id)
    if user is None:
        return "Their organisation's case management system"
    return f"{user.display_name}, {user.job_title}"


def _organisation_names(uow: UnitOfWork, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = uow.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    )
    return {row[0]: row[1] for row in rows}
