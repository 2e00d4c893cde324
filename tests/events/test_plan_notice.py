"""An agency posting an event about a child on a plan is told so and whom to call (as CP-IS)."""

import uuid
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import Organisation
from jigsaw.audit.models import AuditEvent
from jigsaw.children.models import ChildFlag, FlagKind
from jigsaw.core.uow import UnitOfWork
from jigsaw.events.models import MatchState
from jigsaw.events.posting import post_events
from jigsaw.events.rules import Identity, PostedEvent
from tests.demo_world import DemoWorld, bearer, load_world

ATTENDED = datetime(2026, 3, 7, 23, 10, tzinfo=UTC)


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def hospital(world: DemoWorld) -> Actor:
    """The hospital's emergency department system, by its token."""
    return Actor.service_account(
        uuid.uuid4(), organisation_id=world.id("org:hospital"),
        agency_kind=AgencyKind.ACUTE_HEALTH, permissions=frozenset({Permission.EVENT_POST}),
    )  # fmt: skip


def attendance(world: DemoWorld, child_key: str, number: int) -> PostedEvent:
    child = next(c for c in world.partnership.children if c.key == child_key)
    return PostedEvent(
        source_event_id=f"ED-{number}", category="emergency_attendance", occurred_at=ATTENDED,
        child=Identity(nhs_number=child.nhs_number), source_system="ED system",
        source_code="ATT-SELF", text="Attended with a head injury after a fall",
    )  # fmt: skip


def on_plan(world: DemoWorld) -> str:
    return next(
        f.child_key for f in world.partnership.casework.flags
        if f.kind == "child_protection_plan"
    )  # fmt: skip


def test_an_event_about_a_child_on_a_plan_is_answered_with_the_plan_and_whom_to_call(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    child_key = on_plan(world)
    with uow:
        council = uow.session.scalars(
            select(Organisation).join(ChildFlag, ChildFlag.recorded_by_id == Organisation.id)
            .where(ChildFlag.child_id == world.id(child_key),
                   ChildFlag.kind == FlagKind.CHILD_PROTECTION_PLAN)
        ).first()  # fmt: skip
        assert council is not None
        phone, out_of_hours, name = council.phone, council.out_of_hours_phone, council.name

    [answer] = post_events(uow, hospital(world), [attendance(world, child_key, 1)])

    assert answer.state is MatchState.MATCHED
    plans = {notice.plan: notice for notice in answer.on_plan}
    notice = plans["child_protection_plan"]
    assert notice.council == name
    assert notice.phone == phone
    assert notice.phone is not None
    assert notice.out_of_hours_phone == out_of_hours
    with uow:
        told = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "event:plan_told")
        ).all()
    assert [row.child_id for row in told] == [world.id(child_key)]


def test_an_event_about_a_child_with_no_plan_says_nothing_of_plans(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    flagged = {f.child_key for f in world.partnership.casework.flags}
    child_key = next(c.key for c in world.partnership.children if c.key not in flagged)

    [answer] = post_events(uow, hospital(world), [attendance(world, child_key, 2)])

    assert answer.state is MatchState.MATCHED
    assert answer.on_plan == ()


def test_the_api_tells_the_posting_system_whom_to_call(
    uow: UnitOfWork, world: DemoWorld, client: TestClient
) -> None:
    child_key = on_plan(world)
    child = next(c for c in world.partnership.children if c.key == child_key)
    headers = bearer(uow, world, "hospital", "event:post")
    body = {"events": [{
        "source_event_id": "ED-API-1", "category": "emergency_attendance",
        "occurred_at": ATTENDED.isoformat(), "source_system": "ED system",
        "child": {"nhs_number": child.nhs_number},
    }]}  # fmt: skip

    response = client.post("/api/v1/events", json=body, headers=headers)

    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["outcome"] == "accepted"
    plans = [notice["plan"] for notice in result["on_plan"]]
    assert "child_protection_plan" in plans
    assert all(notice["phone"] for notice in result["on_plan"])
    assert "child_id" not in result  # who the child is in the index is not the agency's to know
