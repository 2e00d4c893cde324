"""Break-glass from both sides: the practitioner who needs a record, the officer who reviews."""

import re
import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from jigsaw.audit.models import AuditEvent
from jigsaw.core.uow import UnitOfWork
from tests.demo_world import DemoWorld, form_token, load_world, sign_in

REASON = "Police report a child left alone overnight; checking who else is involved."


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def unrelated_child(world: DemoWorld) -> uuid.UUID:
    """A pupil the council's social worker has no relationship with."""
    casework = world.partnership.casework
    council = {i.child_key for i in casework.involvements if i.organisation_key == "org:la"}
    restricted = {r.child_key for r in casework.restrictions}
    pupils = [i.child_key for i in casework.involvements if i.role == "class_teacher"]
    return world.id(next(k for k in pupils if k not in council | restricted))


def break_glass(client: TestClient, child: uuid.UUID, reason: str) -> Response:
    token = form_token(client, f"/children/{child}/break-glass")
    return client.post(
        f"/children/{child}/break-glass", data={"reason": reason, "csrf_token": token}
    )


def test_refused_then_break_glass_then_reviewed(
    client: TestClient, world: DemoWorld, app: FastAPI, uow: UnitOfWork
) -> None:
    child = unrelated_child(world)
    sign_in(client, world, "social-worker")
    refused = client.get(f"/children/{child}")
    assert refused.status_code == 404
    assert f"/children/{child}/break-glass" in refused.text

    too_short = break_glass(client, child, "urgent")
    assert too_short.status_code == 422
    assert "Explain why you need this record now" in too_short.text

    granted = break_glass(client, child, REASON)
    assert granted.status_code == 303
    record = client.get(f"/children/{child}")
    assert record.status_code == 200
    assert "Emergency access" in record.text
    assert "Who has accessed this record" not in record.text

    with uow:
        entries = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.child_id == child).order_by(AuditEvent.seq)
        ).all()
    assert [e.action for e in entries][-2:] == ["child:break_glass", "child:viewed"]
    assert entries[-1].basis == "break_glass"
    assert entries[-1].basis_id == entries[-2].basis_id is not None
    assert all(REASON not in str(vars(e)) for e in entries)  # the reason stays in the grant

    officer = TestClient(app, follow_redirects=False)
    sign_in(officer, world, "privacy-officer")
    queue = officer.get("/privacy/break-glass")
    assert "Waiting for review (1)" in queue.text
    assert REASON in queue.text
    grant_id = re.search(r"/privacy/break-glass/([0-9a-f-]{36})/review", queue.text)
    assert grant_id
    token = form_token(officer, "/privacy/break-glass")
    reviewed = officer.post(
        f"/privacy/break-glass/{grant_id.group(1)}/review",
        data={"note": "Justified: police concern the same night.", "csrf_token": token},
    )
    assert reviewed.status_code == 303
    assert "Waiting for review (0)" in officer.get("/privacy/break-glass").text
    again = officer.post(
        f"/privacy/break-glass/{grant_id.group(1)}/review", data={"note": "", "csrf_token": token}
    )
    assert again.status_code == 409

    report = officer.get(f"/privacy/children/{child}/accesses")
    assert "Jordan Ellis" in report.text
    assert "break glass" in report.text
    actions = officer.get(f"/privacy/users/{world.id('persona:social-worker')}/actions")
    assert "child:break_glass" in actions.text


def test_a_restricted_child_looks_missing_even_to_break_glass(
    client: TestClient, world: DemoWorld
) -> None:
    [restriction] = world.partnership.casework.restrictions
    child = world.id(restriction.child_key)
    sign_in(client, world, "police-officer")
    assert client.get(f"/children/{child}").status_code == 404
    assert break_glass(client, child, REASON).status_code == 404
    missing = uuid.uuid4()
    assert client.get(f"/children/{missing}").status_code == 404
    assert break_glass(client, missing, REASON).status_code == 404


def test_involved_agencies_see_who_accessed_the_record(
    client: TestClient, world: DemoWorld
) -> None:
    pupil = world.children_of("teacher-oakfield")
    sign_in(client, world, "dsl-oakfield")
    child = next(c for c in pupil if client.get(f"/children/{c}").status_code == 200)
    page = client.get(f"/children/{child}")
    assert "Who has accessed this record" in page.text
    assert "Joanne Whitfield" in page.text


def test_a_social_worker_sees_a_childs_plan_on_the_record(
    client: TestClient, world: DemoWorld
) -> None:
    flags = world.partnership.casework.flags
    on_a_plan = [world.id(f.child_key) for f in flags if f.kind == "child_protection_plan"]
    assert on_a_plan, "the demo puts some children the council knows on a plan"
    sign_in(client, world, "social-worker")
    page = client.get(f"/children/{on_a_plan[0]}")
    assert page.status_code == 200
    assert "Child protection plan:" in page.text


def test_the_record_lists_the_childs_family(client: TestClient, world: DemoWorld) -> None:
    relationships = world.partnership.relationships
    siblings = {
        k for r in relationships if r.kind == "sibling" for k in (r.child_key, r.related_child_key)
    }
    parents = {r.child_key: r.adult_key for r in relationships if r.kind == "parent"}
    restricted = {r.child_key for r in world.partnership.casework.restrictions}
    oakfield = [
        i.child_key
        for i in world.partnership.casework.involvements
        if i.organisation_key == "org:school-1" and i.role == "school_attended"
    ]
    key = next(k for k in oakfield if k in parents and k in siblings and k not in restricted)
    adult = next(a for a in world.partnership.adults if a.key == parents[key])
    sign_in(client, world, "dsl-oakfield")
    page = client.get(f"/children/{world.id(key)}")
    assert page.status_code == 200
    assert "Family and household" in page.text
    assert f"{adult.given_names} {adult.family_name}" in page.text
    assert "Brother or sister" in page.text
