"""Raising a concern: drafts, the recorded sharing decision, sending once, who may read it."""

import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from jigsaw.access.models import MashCase, Restriction, RestrictionReason
from jigsaw.audit.models import AuditEvent
from jigsaw.children import services as children
from jigsaw.core import clock
from jigsaw.core.errors import Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.notifications import Notification, OutboxEmail
from jigsaw.sharing import queries, services
from jigsaw.sharing.models import Concern, ConcernStatus, Subject
from jigsaw.sharing.rules import SharingDecision
from jigsaw.taxonomy.lawful_basis import Article6Basis, ConsentPosition
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, load_world
from tests.sharing.helpers import NARRATIVE, pupil, raise_to_mash, shared

PUBLIC = Article6Basis.PUBLIC_TASK


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def test_a_school_shares_a_concern_with_the_mash_as_a_contact(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    child_id = pupil(world)
    concern = raise_to_mash(uow, world, dsl, child_id=child_id, draft=shared())

    assert concern.status is ConcernStatus.SENT
    assert concern.sent_at is not None
    assert "the child's own words" in concern.what_shared
    with uow:
        case = uow.session.scalars(
            select(MashCase).where(MashCase.child_id == child_id, MashCase.closed_at.is_(None))
        ).first()
        assert case is not None
        assert case.organisation_id == world.id("org:mash")
        told = set(uow.session.scalars(
            select(Notification.user_id).where(Notification.reference == concern.reference)
        ))  # fmt: skip
        assert world.id("persona:mash-practitioner") in told
        assert world.id("persona:mash-manager") in told
        assert world.id("persona:dsl-oakfield") not in told
        emails = uow.session.scalars(select(OutboxEmail.body_text)).all()
        assert emails
        assert all(NARRATIVE not in body for body in emails)
    # The open contact lets the MASH's staff reach the child's record to screen it.
    mash = actor(uow, world, "mash-practitioner")
    assert children.open_child_record(uow, mash, child_id=child_id).access.basis == "mash"


def test_sending_twice_sends_once(uow: UnitOfWork, world: DemoWorld) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    concern = raise_to_mash(uow, world, dsl, child_id=pupil(world), draft=shared())

    again = services.send_concern(uow, dsl, concern_id=concern.id)

    assert again.already
    assert again.concern.id == concern.id
    with uow:
        sent = uow.session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == "concern:sent"))  # fmt: skip
        assert sent == 1


def test_a_sent_concern_can_no_longer_change(uow: UnitOfWork, world: DemoWorld) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    concern = raise_to_mash(uow, world, dsl, child_id=pupil(world), draft=shared())

    with pytest.raises(services.AlreadySent):
        services.save_draft(uow, dsl, concern_id=concern.id, draft=shared(narrative="edited"),
                            recipient_ids=[])  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"narrative": ""}, "narrative"),
        ({"happened_on": None}, "happened_on"),
        ({"how_known": None}, "how_known"),
        ({"decision": SharingDecision()}, "decision"),
        ({"decision": SharingDecision(decision="share", consent=ConsentPosition.NOT_SOUGHT,
                                      purpose="x")}, "article_6"),
        ({"decision": SharingDecision(decision="share", purpose="x", article_6=PUBLIC,
                                      consent=ConsentPosition.NOT_SOUGHT)},
         "consent_not_sought_reason"),
        ({"decision": SharingDecision(decision="share", purpose="x", article_6=PUBLIC,
                                      consent=ConsentPosition.SOUGHT_AND_REFUSED)}, "reason"),
        ({"decision": SharingDecision(decision="share", article_6=PUBLIC,
                                      consent=ConsentPosition.SOUGHT_AND_GIVEN)}, "purpose"),
        ({"decision": SharingDecision(decision="do_not_share")}, "reason"),
    ],
)  # fmt: skip
def test_sending_says_what_is_missing_and_keeps_the_draft(
    uow: UnitOfWork, world: DemoWorld, changes: dict[str, object], field: str
) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    concern = services.start_concern(uow, dsl, subject=Subject.IDENTIFIED, child_id=pupil(world))
    services.save_draft(uow, dsl, concern_id=concern.id, draft=shared(**changes),
                        recipient_ids=[world.id("org:mash")])  # fmt: skip

    with pytest.raises(Invalid) as refused:
        services.send_concern(uow, dsl, concern_id=concern.id)

    assert field in refused.value.errors
    record = queries.open_concern(uow, dsl, concern_id=concern.id)
    assert record.concern.status is ConcernStatus.DRAFT
    assert record.draft == shared(**changes)


def test_a_decision_not_to_share_is_recorded_with_its_reasons(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    reasons = "Mum explained the bruise; it matches the PE accident we saw"
    draft = shared(decision=SharingDecision(decision="do_not_share", reason=reasons))
    concern = raise_to_mash(uow, world, dsl, child_id=pupil(world), draft=draft)

    assert concern.status is ConcernStatus.NOT_SHARED
    record = queries.open_concern(uow, dsl, concern_id=concern.id)
    assert record.recipients == []
    assert record.draft.decision.reason == reasons
    mash = actor(uow, world, "mash-practitioner")
    with pytest.raises(NotFound):
        queries.open_concern(uow, mash, concern_id=concern.id)


def test_only_the_mash_and_agencies_working_with_the_child_may_receive_it(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    concern = services.start_concern(uow, dsl, subject=Subject.IDENTIFIED, child_id=pupil(world))
    stranger = world.id("org:school-3")
    assert stranger not in {o.organisation_id for o in
                            queries.recipient_options(uow, dsl, concern_id=concern.id)}  # fmt: skip

    with pytest.raises(Invalid) as refused:
        services.save_draft(uow, dsl, concern_id=concern.id, draft=shared(),
                            recipient_ids=[stranger])  # fmt: skip
    assert "recipients" in refused.value.errors


def test_who_may_read_a_concern(uow: UnitOfWork, world: DemoWorld) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    concern = services.start_concern(uow, dsl, subject=Subject.IDENTIFIED, child_id=pupil(world))
    services.save_draft(uow, dsl, concern_id=concern.id, draft=shared(),
                        recipient_ids=[world.id("org:mash")])  # fmt: skip
    mash = actor(uow, world, "mash-practitioner")
    with pytest.raises(NotFound):  # a draft is the author's alone
        queries.open_concern(uow, mash, concern_id=concern.id)
    services.send_concern(uow, dsl, concern_id=concern.id)

    record = queries.open_concern(uow, mash, concern_id=concern.id)

    assert record.draft.narrative == NARRATIVE
    assert record.concern.status is ConcernStatus.RECEIVED
    for outsider in ("police-officer", "gp-riverside", "teacher-oakfield", "privacy-officer"):
        with pytest.raises(NotFound):
            queries.open_concern(uow, actor(uow, world, outsider), concern_id=concern.id)
    with pytest.raises(NotFound):
        queries.open_concern(uow, mash, concern_id=uuid.uuid4())
    mine = queries.my_shares(uow, dsl)
    assert [(line.reference, line.status) for line in mine] == [
        (concern.reference, ConcernStatus.RECEIVED)
    ]
    with uow:
        told = uow.session.scalars(select(Notification.kind).where(
            Notification.user_id == dsl.id, Notification.reference == concern.reference
        )).all()  # fmt: skip
        assert told == ["concern_received"]


def test_shared_with_us_lists_what_reached_the_organisation(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    concern = raise_to_mash(uow, world, dsl, child_id=pupil(world), draft=shared())

    inbox = queries.shared_with_us(uow, actor(uow, world, "mash-manager"))

    assert [line.reference for line in inbox] == [concern.reference]
    assert inbox[0].organisations == ["Oakfield Primary School"]
    assert queries.shared_with_us(uow, actor(uow, world, "social-worker")) == []


def test_a_restricted_child_s_concern_reaches_only_those_named(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    child_id = pupil(world)
    concern = raise_to_mash(uow, world, dsl, child_id=child_id, draft=shared())
    with uow:
        uow.session.add(
            Restriction(
                child_id=child_id, reason=RestrictionReason.ADOPTION, created_at=clock.now()
            )
        )
        uow.commit()
    mash = actor(uow, world, "mash-manager")

    with pytest.raises(NotFound):
        queries.open_concern(uow, mash, concern_id=concern.id)
    assert queries.shared_with_us(uow, mash) == []


def test_an_unidentified_child_is_described_and_goes_to_the_mash(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    nurse = actor(uow, world, "ed-nurse")
    concern = services.start_concern(uow, nurse, subject=Subject.UNIDENTIFIED, child_id=None)
    options = queries.recipient_options(uow, nurse, concern_id=concern.id)
    assert [o.kind for o in options] == ["mash_contact"]
    services.save_draft(uow, nurse, concern_id=concern.id,
                        draft=shared(subject_description=""),
                        recipient_ids=[world.id("org:mash")])  # fmt: skip
    with pytest.raises(Invalid) as refused:
        services.send_concern(uow, nurse, concern_id=concern.id)
    assert "subject_description" in refused.value.errors

    described = "Girl of about 6 brought in by a neighbour; says she lives on Mill Lane"
    services.save_draft(uow, nurse, concern_id=concern.id,
                        draft=shared(subject_description=described),
                        recipient_ids=[world.id("org:mash")])  # fmt: skip
    sent = services.send_concern(uow, nurse, concern_id=concern.id).concern

    record = queries.open_concern(uow, actor(uow, world, "mash-practitioner"),
                                  concern_id=sent.id)  # fmt: skip
    assert record.who.name == "A child not yet identified"
    assert record.draft.subject_description == described


def test_every_read_and_write_is_audited(uow: UnitOfWork, world: DemoWorld) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    concern = raise_to_mash(uow, world, dsl, child_id=pupil(world), draft=shared())
    queries.open_concern(uow, actor(uow, world, "mash-practitioner"), concern_id=concern.id)

    with uow:
        rows = uow.session.execute(
            select(AuditEvent.action, AuditEvent.basis, AuditEvent.child_id)
            .where(AuditEvent.subject_id == concern.id).order_by(AuditEvent.seq)
        ).all()  # fmt: skip
    assert [row.action for row in rows] == [
        "concern:started", "concern:draft_saved", "concern:sent", "concern:received",
        "concern:viewed",
    ]  # fmt: skip
    assert rows[-1].basis == "recipient"
    assert {row.child_id for row in rows} == {concern.child_id}


def test_concerns_count_once_per_child(uow: UnitOfWork, world: DemoWorld) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    raise_to_mash(uow, world, dsl, child_id=pupil(world), draft=shared())
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(Concern)) == 1
