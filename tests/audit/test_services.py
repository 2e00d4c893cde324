import threading
import uuid
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, select

from jigsaw import audit
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.vocabulary import AccessBasis
from jigsaw.audit import checkpoints
from jigsaw.audit.chain import GENESIS_HASH
from jigsaw.core import clock
from jigsaw.core.context import RequestContext, set_current_request
from jigsaw.core.db import make_session_factory
from jigsaw.core.uow import UnitOfWork
from tests.audit.conftest import SOCIAL_WORKER, SYSTEM, head_seq, write_entries


def rows(uow: UnitOfWork, after: int = 0) -> list[audit.AuditEvent]:
    with uow:
        stmt = select(audit.AuditEvent).where(audit.AuditEvent.seq > after)
        return list(uow.session.scalars(stmt.order_by(audit.AuditEvent.seq)).all())


def test_an_entry_names_who_did_what_to_which_child_on_what_basis_from_where(
    uow: UnitOfWork,
) -> None:
    child_id, grant_id, start = uuid.uuid4(), uuid.uuid4(), head_seq(uow)
    set_current_request(RequestContext("req-00000001", ip="192.0.2.7", user_agent="Firefox"))
    try:
        with uow:
            audit.record(
                uow, SOCIAL_WORKER, "child:viewed", subject_type="child", subject_id=child_id,
                basis=AccessBasis.BREAK_GLASS, basis_id=grant_id,
            )  # fmt: skip
            uow.commit()
    finally:
        set_current_request(None)
    [row] = rows(uow, start)
    assert (row.action, row.subject_type, row.subject_id) == ("child:viewed", "child", child_id)
    assert row.child_id == child_id  # a child subject is the child
    assert (row.basis, row.basis_id) == (AccessBasis.BREAK_GLASS, grant_id)
    assert row.actor_kind is ActorKind.USER
    assert (row.actor_id, row.organisation_id) == (SOCIAL_WORKER.id, SOCIAL_WORKER.organisation_id)
    assert (row.request_id, row.ip_address, row.user_agent) == (
        "req-00000001",
        "192.0.2.7",
        "Firefox",
    )
    assert row.occurred_at.tzinfo is not None
    assert row.seq == start + 1


def test_an_entry_about_a_childs_record_names_the_child(uow: UnitOfWork) -> None:
    child_id, note_id, start = uuid.uuid4(), uuid.uuid4(), head_seq(uow)
    with uow:
        audit.record(
            uow, SOCIAL_WORKER, "concern:viewed", subject_type="concern", subject_id=note_id,
            child_id=child_id, basis=AccessBasis.RELATIONSHIP,
        )  # fmt: skip
        audit.record(uow, SOCIAL_WORKER, "user:viewed", subject_type="user", subject_id=None)
        uow.commit()
    concern, user = rows(uow, start)
    assert (concern.subject_id, concern.child_id) == (note_id, child_id)
    assert (user.subject_id, user.child_id, user.basis) == (None, None, None)


def test_entries_written_together_each_name_their_own_child(uow: UnitOfWork) -> None:
    # Events posted for several children in one batch: each entry names its event's child.
    events, children, start = [uuid.uuid4(), uuid.uuid4()], [uuid.uuid4(), None], head_seq(uow)
    with uow:
        audit.record_many(uow, SYSTEM, "event:posted", subject_type="child_event",
                          subject_ids=events, child_ids=children)  # fmt: skip
        uow.commit()
    assert [(r.subject_id, r.child_id) for r in rows(uow, start)] == list(
        zip(events, children, strict=True)
    )
    with uow, pytest.raises(ValueError, match="zip"):
        audit.record_many(uow, SYSTEM, "event:posted", subject_type="child_event",
                          subject_ids=events, child_ids=children[:1])  # fmt: skip


def test_overlong_request_details_are_cut_to_fit(uow: UnitOfWork) -> None:
    start = head_seq(uow)
    set_current_request(RequestContext("req-00000002", ip="f" * 60, user_agent="x" * 400))
    try:
        with uow:
            audit.record(uow, SOCIAL_WORKER, "child:viewed", subject_type="child",
                         subject_id=uuid.uuid4())  # fmt: skip
            uow.commit()
    finally:
        set_current_request(None)
    [row] = rows(uow, start)
    assert (len(row.ip_address or ""), len(row.user_agent or "")) == (45, 300)


def test_entries_roll_back_with_the_change_they_describe(uow: UnitOfWork) -> None:
    start = head_seq(uow)
    with uow:
        audit.record(uow, SOCIAL_WORKER, "child:viewed", subject_type="child",
                     subject_id=uuid.uuid4())  # fmt: skip
    assert rows(uow, start) == []
    assert head_seq(uow) == start


def test_system_actors_record_their_purpose_and_no_request(uow: UnitOfWork) -> None:
    start = head_seq(uow)
    with uow:
        for subject_ids in ([uuid.uuid4(), uuid.uuid4()], []):
            audit.record_many(
                uow, Actor.system("cli:demo"), "child:recorded",
                subject_type="child", subject_ids=subject_ids,
            )  # fmt: skip
        uow.commit()
    recorded = rows(uow, start)
    assert len(recorded) == 2
    assert {
        (r.actor_kind, r.actor_id, r.actor_purpose, r.request_id, r.ip_address) for r in recorded
    } == {(ActorKind.SYSTEM, None, "cli:demo", None, None)}


def test_entries_are_numbered_without_gaps_and_each_links_to_the_one_before(
    uow: UnitOfWork,
) -> None:
    start = head_seq(uow)
    with uow:
        previous = GENESIS_HASH
        if start:
            previous = uow.session.scalars(select(audit.AuditChainHead.hash)).one()
    write_entries(uow, 2)
    with uow:
        audit.record_many(uow, SYSTEM, "child:recorded", subject_type="child",
                          subject_ids=[uuid.uuid4() for _ in range(3)])  # fmt: skip
        uow.commit()
    recorded = rows(uow, start)
    assert [r.seq for r in recorded] == list(range(start + 1, start + 6))
    for row in recorded:
        assert row.prev_hash == previous
        previous = row.hash
    assert len({r.hash for r in recorded}) == 5
    with uow:
        head = uow.session.scalars(select(audit.AuditChainHead)).one()
        assert (head.seq, head.hash) == (start + 5, previous)


def test_concurrent_writers_take_turns(scratch_engine: Engine) -> None:
    """Each writer locks the chain head, so no seq is lost or used twice."""
    factory = make_session_factory(scratch_engine)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            write_entries(UnitOfWork(factory), 25)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [r.seq for r in rows(UnitOfWork(factory))] == list(range(1, 101))
    with scratch_engine.connect() as connection:
        assert audit.verify_log(connection, Ed25519PrivateKey.generate().public_key()).ok


class TestWriteCheckpoint:
    def test_signs_the_head_including_its_own_entry(
        self, uow: UnitOfWork, signing_key: Ed25519PrivateKey
    ) -> None:
        [last] = write_entries(uow, 1)
        written = audit.write_checkpoint(uow, SYSTEM, key=signing_key)
        assert written.seq == last + 1 == head_seq(uow)
        assert written.key_id == checkpoints.key_id(signing_key.public_key())
        assert checkpoints.signature_is_valid(
            signing_key.public_key(), seq=written.seq, head_hash=written.hash,
            signed_at=written.signed_at, key_id=written.key_id, signature=written.signature,
        )  # fmt: skip
        [entry] = rows(uow, last)
        assert (entry.action, entry.subject_id) == ("audit:checkpoint_written", written.id)
        assert (entry.actor_purpose, entry.hash) == ("test:audit", written.hash)
        with uow:
            latest = audit.get_latest_checkpoint(uow)
            assert latest is not None
            assert (latest.id, latest.seq, latest.signed_at) == (
                written.id,
                written.seq,
                written.signed_at,
            )


class TestCheckpointIfDue:
    def test_first_checkpoint_is_due_once_anything_is_written(
        self, uow: UnitOfWork, signing_key: Ed25519PrivateKey
    ) -> None:
        write_entries(uow, 1)
        first = audit.checkpoint_if_due(uow, SYSTEM, key=signing_key)
        assert first is not None
        assert audit.checkpoint_if_due(uow, SYSTEM, key=signing_key) is None  # nothing new

    def test_due_after_enough_entries(
        self, uow: UnitOfWork, signing_key: Ed25519PrivateKey
    ) -> None:
        write_entries(uow, 1)
        assert audit.checkpoint_if_due(uow, SYSTEM, key=signing_key) is not None
        write_entries(uow, 2)
        assert audit.checkpoint_if_due(uow, SYSTEM, key=signing_key, every=5) is None
        write_entries(uow, 3)
        again = audit.checkpoint_if_due(uow, SYSTEM, key=signing_key, every=5)
        assert again is not None
        assert again.seq == head_seq(uow)

    def test_due_after_long_enough(self, uow: UnitOfWork, signing_key: Ed25519PrivateKey) -> None:
        write_entries(uow, 1)
        assert audit.checkpoint_if_due(uow, SYSTEM, key=signing_key) is not None
        write_entries(uow, 1)
        assert audit.checkpoint_if_due(uow, SYSTEM, key=signing_key) is None
        late = audit.checkpoint_if_due(uow, SYSTEM, key=signing_key, max_age=timedelta(0))
        assert late is not None


@pytest.mark.parametrize(
    ("head", "last_seq", "age", "due"),
    [
        (0, None, None, False),  # an empty log needs no checkpoint
        (3, None, None, True),  # never checkpointed
        (3, 3, timedelta(days=9), False),  # nothing since the last one
        (9, 3, timedelta(0), False),
        (13, 3, timedelta(0), True),  # ten entries on
        (4, 3, timedelta(hours=2), True),  # an hour on
    ],
)
def test_checkpoint_is_due(
    head: int, last_seq: int | None, age: timedelta | None, due: bool
) -> None:
    now = clock.now()
    assert checkpoints.is_due(
        head_seq=head, last_seq=last_seq, last_signed_at=now - age if age is not None else None,
        now=now, every=10, max_age=timedelta(hours=1),
    ) is due  # fmt: skip
