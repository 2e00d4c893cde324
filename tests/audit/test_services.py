import uuid

import structlog
from sqlalchemy import select

from jigsaw import audit
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.core.uow import UnitOfWork

SOCIAL_WORKER = Actor(
    kind=ActorKind.USER,
    id=uuid.uuid4(),
    organisation_id=uuid.uuid4(),
    agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
    roles=frozenset({Role.SOCIAL_WORKER}),
)


def rows(uow: UnitOfWork) -> list[audit.AuditEvent]:
    with uow:
        return list(uow.session.scalars(select(audit.AuditEvent)).all())


def test_a_row_names_who_did_what_to_which_record_in_which_request(uow: UnitOfWork) -> None:
    child_id = uuid.uuid4()
    structlog.contextvars.bind_contextvars(request_id="req-0001")
    try:
        with uow:
            audit.record(uow, SOCIAL_WORKER, "child:viewed", subject_type="child",
                         subject_id=child_id)  # fmt: skip
            uow.commit()
    finally:
        structlog.contextvars.clear_contextvars()
    [row] = rows(uow)
    assert row.action == "child:viewed"
    assert row.subject_type == "child"
    assert row.subject_id == child_id
    assert row.actor_kind is ActorKind.USER
    assert row.actor_id == SOCIAL_WORKER.id
    assert row.organisation_id == SOCIAL_WORKER.organisation_id
    assert row.request_id == "req-0001"
    assert row.occurred_at.tzinfo is not None


def test_rows_roll_back_with_the_change_they_describe(uow: UnitOfWork) -> None:
    with uow:
        audit.record(uow, SOCIAL_WORKER, "child:viewed", subject_type="child",
                     subject_id=uuid.uuid4())  # fmt: skip
    assert rows(uow) == []


def test_system_actors_record_their_purpose_and_no_request(uow: UnitOfWork) -> None:
    with uow:
        for subject_ids in ([uuid.uuid4(), uuid.uuid4()], []):
            audit.record_many(
                uow, Actor.system("cli:demo"), "child:recorded",
                subject_type="child", subject_ids=subject_ids,
            )  # fmt: skip
        uow.commit()
    recorded = rows(uow)
    assert len(recorded) == 2
    assert {(r.actor_kind, r.actor_id, r.actor_purpose, r.request_id) for r in recorded} == {
        (ActorKind.SYSTEM, None, "cli:demo", None)
    }
