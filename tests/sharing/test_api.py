"""Raising a concern from an agency's own system: once per idempotency key, status to poll."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jigsaw.core.uow import UnitOfWork
from jigsaw.sharing.models import Concern, GuidedDecision
from tests.demo_world import DemoWorld, bearer, load_world
from tests.sharing.helpers import CHILD_WORDS, NARRATIVE, pupil

KEY = {"Idempotency-Key": "cms-event-000123"}


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def body(world: DemoWorld, **changes: object) -> dict[str, object]:
    concern: dict[str, object] = {
        "child_id": str(pupil(world)), "happened_on": "2026-11-20", "how_known": "told_by_child",
        "categories": ["18C"], "level_of_need": 4, "narrative": NARRATIVE,
        "child_words": CHILD_WORDS, "recipients": [str(world.id("org:mash"))],
        "sharing": {"decision": "share", "purpose": "To protect her", "article_6": "6(1)(e)",
                    "consent": "not_sought",
                    "consent_not_sought_reason": "would_prejudice_protection"},
    }  # fmt: skip
    concern.update(changes)
    return concern


def count(uow: UnitOfWork) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(Concern)) or 0


def test_a_retry_with_the_same_key_returns_the_same_concern(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    headers = bearer(uow, world, "school-1", "concern:raise") | KEY

    first = client.post("/api/v1/concerns", json=body(world), headers=headers)
    again = client.post("/api/v1/concerns", json=body(world), headers=headers)

    assert first.status_code == again.status_code == 201, first.text
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["status"] == "sent"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(uow) == 1


def test_the_same_key_for_another_concern_is_refused(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    headers = bearer(uow, world, "school-1", "concern:raise") | KEY
    client.post("/api/v1/concerns", json=body(world), headers=headers)

    clash = client.post("/api/v1/concerns", json=body(world, narrative="another"), headers=headers)

    assert clash.status_code == 409
    assert NARRATIVE not in clash.text
    assert "another" not in clash.text
    assert count(uow) == 1


def test_a_key_is_required_and_an_incomplete_concern_says_what_is_missing(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    headers = bearer(uow, world, "school-1", "concern:raise")

    assert client.post("/api/v1/concerns", json=body(world), headers=headers).status_code == 422
    sharing = {"decision": "share", "purpose": "x", "consent": "sought_refused"}
    refused = client.post("/api/v1/concerns", json=body(world, sharing=sharing),
                          headers=headers | KEY)  # fmt: skip
    assert refused.status_code == 422
    assert {"article_6", "reason"} <= set(refused.json()["errors"])
    assert count(uow) == 0


def test_guidance_answered_by_the_system_is_run_and_kept(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    headers = bearer(uow, world, "school-1", "concern:raise") | KEY
    answers = [["immediate-danger", "no"], ["purpose", "yes"], ["identifiable", "yes"],
               ["significant-harm", "yes"]]  # fmt: skip
    sharing = {"decision": "share", "purpose": "To protect her"}  # basis and consent: from the flow

    raised = client.post(
        "/api/v1/concerns",
        headers=headers,
        json=body(
            world, sharing=sharing, guidance=[{"flow_id": "should-i-share", "answers": answers}]
        ),
    )

    assert raised.status_code == 201, raised.text
    with uow:
        concern = uow.session.scalars(select(Concern)).one()
        kept = uow.session.scalars(select(GuidedDecision)).one()
    assert (concern.article_6, concern.consent) == ("6(1)(e)", "not_sought")
    assert (kept.flow_id, kept.flow_version, kept.outcome_id) == ("should-i-share", 1, "share-now")


def test_the_status_is_for_the_system_that_raised_it(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    mine = bearer(uow, world, "school-1", "concern:raise")
    raised = client.post("/api/v1/concerns", json=body(world), headers=mine | KEY).json()

    status = client.get(f"/api/v1/concerns/{raised['id']}", headers=mine)
    listed = client.get("/api/v1/concerns", headers=mine)
    other = client.get(f"/api/v1/concerns/{raised['id']}",
                       headers=bearer(uow, world, "school-2", "concern:raise"))  # fmt: skip

    assert status.status_code == 200
    assert status.json()["recipients"][0]["organisation_id"] == str(world.id("org:mash"))
    assert [c["reference"] for c in listed.json()] == [raised["reference"]]
    assert other.status_code == 404
    without = client.post(
        "/api/v1/concerns",
        json=body(world),
        headers=bearer(uow, world, "school-1", "child:read") | KEY,
    )
    assert without.status_code == 403
