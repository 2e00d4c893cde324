"""Access reports: who reached a child's information, and what a person did."""

import uuid

from jigsaw import audit
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.vocabulary import AccessBasis
from jigsaw.core.uow import UnitOfWork
from tests.audit.conftest import SOCIAL_WORKER

POLICE_OFFICER = Actor(kind=ActorKind.USER, id=uuid.uuid4(), organisation_id=uuid.uuid4())


def test_accesses_to_a_child_newest_first_with_their_basis(uow: UnitOfWork) -> None:
    child_id, other_child, grant_id, note_id = (uuid.uuid4() for _ in range(4))
    with uow:
        audit.record(uow, SOCIAL_WORKER, "child:viewed", subject_type="child", subject_id=child_id,
                     basis=AccessBasis.RELATIONSHIP)  # fmt: skip
        audit.record(uow, SOCIAL_WORKER, "child:viewed", subject_type="child",
                     subject_id=other_child)  # fmt: skip
        audit.record(uow, POLICE_OFFICER, "concern:viewed", subject_type="concern",
                     subject_id=note_id, child_id=child_id, basis=AccessBasis.BREAK_GLASS,
                     basis_id=grant_id)  # fmt: skip
        uow.commit()
    with uow:
        report = audit.list_accesses_to_child(uow, child_id)
    assert [(e.actor_id, e.action, e.basis, e.basis_id) for e in report] == [
        (POLICE_OFFICER.id, "concern:viewed", AccessBasis.BREAK_GLASS, grant_id),
        (SOCIAL_WORKER.id, "child:viewed", AccessBasis.RELATIONSHIP, None),
    ]
    newest = report[0]
    assert (newest.organisation_id, newest.subject_type, newest.subject_id) == (
        POLICE_OFFICER.organisation_id,
        "concern",
        note_id,
    )
    assert newest.actor_kind is ActorKind.USER
    assert newest.seq > report[1].seq
    assert newest.occurred_at.tzinfo is not None


def test_actions_by_a_user_page_backwards(uow: UnitOfWork) -> None:
    with uow:
        audit.record_many(uow, SOCIAL_WORKER, "child:viewed", subject_type="child",
                          subject_ids=[uuid.uuid4() for _ in range(5)])  # fmt: skip
        audit.record(uow, POLICE_OFFICER, "child:viewed", subject_type="child", subject_id=None)
        uow.commit()
    with uow:
        first = audit.list_actions_by_user(uow, SOCIAL_WORKER.id or uuid.uuid4(), limit=3)
        rest = audit.list_actions_by_user(
            uow, SOCIAL_WORKER.id or uuid.uuid4(), limit=3, before_seq=first[-1].seq
        )
    seqs = [e.seq for e in first + rest]
    assert len(seqs) == 5
    assert seqs == sorted(seqs, reverse=True)
    assert {e.actor_id for e in first + rest} == {SOCIAL_WORKER.id}
