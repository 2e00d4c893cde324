"""Agencies' systems post events: idempotent, matched through the child index, reviewed."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw.access.models import InvolvementRole
from jigsaw.audit.models import AuditEvent
from jigsaw.core.uow import UnitOfWork
from jigsaw.events.models import ChildEvent, MatchState
from jigsaw.taxonomy.events import POSTABLE
from tests.children.helpers import add_child, nhs_number
from tests.demo_world import DemoWorld, bearer, form_token, load_world, sign_in

WHEN = datetime(2026, 3, 4, 21, 40, tzinfo=UTC)
WORDS = "Absent all week; no contact from home"


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


@pytest.fixture
def ruby(uow: UnitOfWork, world: DemoWorld) -> uuid.UUID:
    """A pupil at Oakfield whose NHS number the index holds."""
    with uow:
        child_id = add_child(
            uow.session,
            given="Ruby",
            family="Okafor",
            born=date(2016, 5, 1),
            nhs_number=nhs_number(7),
            involved=((world.id("org:school-1"), None, InvolvementRole.SCHOOL_ATTENDED),),
        )
        uow.commit()
    return child_id


@pytest.fixture
def school_system(uow: UnitOfWork, world: DemoWorld) -> dict[str, str]:
    """Oakfield's pupil system's token: it may post events."""
    return bearer(uow, world, "school-1", "event:post")


def event(source_id: str, **changes: Any) -> dict[str, Any]:
    """A persistent-absence event about Ruby, by her NHS number, as a school's system sends it."""
    body: dict[str, Any] = {
        "source_event_id": source_id,
        "category": "persistent_absence",
        "occurred_at": WHEN.isoformat(),
        "source_code": "ABS-WK",
        "text": WORDS,
        "child": {"nhs_number": nhs_number(7)},
    }
    body.update(changes)
    return body


def post(client: TestClient, headers: dict[str, str], *events: object) -> Any:
    response = client.post("/api/v1/events", headers=headers, json={"events": list(events)})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def stored(uow: UnitOfWork, event_id: str) -> ChildEvent:
    with uow:
        return uow.session.get_one(ChildEvent, uuid.UUID(event_id))


class TestPosting:
    def test_an_event_with_an_nhs_number_goes_on_the_childs_chronology(
        self,
        client: TestClient,
        uow: UnitOfWork,
        world: DemoWorld,
        ruby: uuid.UUID,
        school_system: dict[str, str],
    ) -> None:
        [result] = post(client, school_system, event("abs-1"))
        assert result["outcome"] == "accepted"
        assert result["match_state"] == "matched"
        assert result["source_event_id"] == "abs-1"
        row = stored(uow, result["event_id"])
        assert (row.child_id, row.source_code, row.organisation_id) == (
            ruby,
            "ABS-WK",
            world.id("org:school-1"),
        )
        sign_in(client, world, "dsl-oakfield")
        page = client.get(f"/children/{ruby}/chronology")
        assert WORDS in page.text
        assert "ABS-WK" in page.text
        assert "Persistent absence" in page.text

    def test_one_batch_matches_each_event_to_its_own_child_and_audits_each(
        self,
        client: TestClient,
        uow: UnitOfWork,
        world: DemoWorld,
        ruby: uuid.UUID,
        school_system: dict[str, str],
    ) -> None:
        school = world.id("org:school-1")
        with uow:
            # Known to the school by its own pupil number, which settles it whatever else
            # the system sends (here a misspelt name and no date of birth).
            sam = add_child(uow.session, given="Samuel", family="Adeyemi", born=date(2015, 2, 3),
                            local_ids=(("PUPIL-0042", school),))  # fmt: skip
            uow.commit()
        results = post(
            client,
            school_system,
            event("batch-1"),
            event(
                "batch-2",
                child={"given_names": "Samule", "family_name": "Adeyemi", "local_id": "PUPIL-0042"},
            ),
            event(
                "batch-3",
                child={
                    "given_names": "Nobody",
                    "family_name": "Known",
                    "date_of_birth": "2014-01-01",
                },
            ),
        )
        assert [r["match_state"] for r in results] == ["matched", "matched", "unmatched"]
        rows = [stored(uow, r["event_id"]) for r in results]
        assert [row.child_id for row in rows] == [ruby, sam, None]
        with uow:
            entries = {
                e.subject_id: e.child_id
                for e in uow.session.scalars(
                    select(AuditEvent).where(AuditEvent.action == "event:posted")
                )
            }
        assert entries == {rows[0].id: ruby, rows[1].id: sam}

    @pytest.mark.usefixtures("ruby")
    def test_sending_the_same_event_again_is_a_replay_and_a_changed_one_is_refused(
        self, client: TestClient, uow: UnitOfWork, school_system: dict[str, str]
    ) -> None:
        [first] = post(client, school_system, event("abs-1"))
        [again] = post(client, school_system, event("abs-1"))
        assert again["outcome"] == "replayed"
        assert (again["event_id"], again["match_state"]) == (first["event_id"], "matched")
        moved = (WHEN + timedelta(days=1)).isoformat()
        [changed] = post(client, school_system, event("abs-1", occurred_at=moved))
        assert changed["outcome"] == "refused"
        assert changed["event_id"] is None
        assert "source_event_id" in changed["problems"]
        with uow:
            count = len(
                uow.session.scalars(
                    select(ChildEvent.id).where(ChildEvent.source_event_id == "abs-1")
                ).all()
            )
        assert count == 1

    def test_a_bad_event_is_refused_in_its_place_and_the_rest_are_kept(
        self, client: TestClient, uow: UnitOfWork, ruby: uuid.UUID, school_system: dict[str, str]
    ) -> None:
        unreadable = event(
            "abs-2",
            category="truancy",
            child={"family_name": "Zebedee", "date_of_birth": "31/02/2016"},
        )
        future = event("abs-3", occurred_at=(datetime.now(UTC) + timedelta(days=2)).isoformat())
        results = post(client, school_system, event("abs-1"), unreadable, future, event("abs-4"))
        assert [r["outcome"] for r in results] == ["accepted", "refused", "refused", "accepted"]
        assert [r["source_event_id"] for r in results] == ["abs-1", "abs-2", "abs-3", "abs-4"]
        assert set(results[1]["problems"]) == {"category", "child.date_of_birth"}
        assert "shared event categories" in results[1]["problems"]["category"]
        assert set(results[2]["problems"]) == {"occurred_at"}
        # No problem repeats what was sent: it may be a name or a date of birth.
        text = str(results)
        assert "Zebedee" not in text
        assert "31/02/2016" not in text
        assert "truancy" not in text
        assert stored(uow, results[3]["event_id"]).child_id == ruby

    def test_a_batch_of_nothing_but_bad_events_is_answered_not_refused_whole(
        self, client: TestClient, school_system: dict[str, str]
    ) -> None:
        results = post(client, school_system, {"source_event_id": "x"}, 42)
        assert [r["outcome"] for r in results] == ["refused", "refused"]
        assert set(results[0]["problems"]) == {"category", "occurred_at", "child"}
        assert results[1] == {
            "source_event_id": None,
            "outcome": "refused",
            "event_id": None,
            "match_state": None,
            "problems": {"event": "Send each event as an object"},
            "on_plan": [],
        }

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"events": "all of them"},
            {"events": []},
            [1, 2],
            {"events": [event(f"e-{n}") for n in range(501)]},
        ],
        ids=["no events", "not a list", "empty", "not an object", "over 500"],
    )
    def test_only_a_body_that_is_not_a_batch_is_refused_whole(
        self, client: TestClient, school_system: dict[str, str], body: object
    ) -> None:
        response = client.post("/api/v1/events", headers=school_system, json=body)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"


class TestMatching:
    def test_names_and_a_date_of_birth_alone_wait_for_a_person(
        self,
        client: TestClient,
        uow: UnitOfWork,
        world: DemoWorld,
        ruby: uuid.UUID,
        school_system: dict[str, str],
    ) -> None:
        named = {"given_names": "Ruby", "family_name": "Okafor", "date_of_birth": "2016-05-01"}
        [result] = post(client, school_system, event("abs-9", child=named))
        assert (result["outcome"], result["match_state"]) == ("accepted", "possible")
        row = stored(uow, result["event_id"])
        assert row.child_id is None
        assert str(ruby) in (row.candidates or "")
        sign_in(client, world, "dsl-oakfield")
        assert WORDS not in client.get(f"/children/{ruby}/chronology").text

    def test_a_child_no_one_knows_is_unmatched(
        self, client: TestClient, uow: UnitOfWork, school_system: dict[str, str]
    ) -> None:
        nobody = {
            "given_names": "Quentin",
            "family_name": "Vasquez-Abernathy",
            "date_of_birth": "2012-12-12",
        }
        [result] = post(client, school_system, event("abs-10", child=nobody))
        assert result["match_state"] == "unmatched"
        assert stored(uow, result["event_id"]).candidates == ""


class TestReview:
    @pytest.fixture
    def waiting(
        self, client: TestClient, ruby: uuid.UUID, school_system: dict[str, str]
    ) -> tuple[str, str]:
        """A possible match for Ruby and an event about a child no one knows."""
        del ruby  # in the index, as a candidate
        named = {"given_names": "Ruby", "family_name": "Okafor", "date_of_birth": "2016-05-01"}
        nobody = {"given_names": "Quentin", "family_name": "Vasquez-Abernathy"}
        possible, unmatched = post(
            client,
            school_system,
            event("abs-9", child=named),
            event("abs-10", child=nobody | {"date_of_birth": "2012-12-12"}),
        )
        return possible["event_id"], unmatched["event_id"]

    def test_the_school_chooses_the_child_and_the_event_joins_the_chronology(
        self,
        client: TestClient,
        uow: UnitOfWork,
        world: DemoWorld,
        ruby: uuid.UUID,
        waiting: tuple[str, str],
    ) -> None:
        possible, _unmatched = waiting
        sign_in(client, world, "dsl-oakfield")
        listing = client.get("/events/waiting")
        assert listing.status_code == 200
        assert "Ruby Okafor, born 1 May 2016" in listing.text  # as the school's system sent it
        review = client.get(f"/events/waiting/{possible}")
        assert review.status_code == 200
        assert "Ruby Okafor, born 2016" in review.text  # the candidate, as a minimal preview
        token = form_token(client, f"/events/waiting/{possible}")
        refused = client.post(f"/events/waiting/{possible}", data={"csrf_token": token})
        assert refused.status_code == 422
        done = client.post(
            f"/events/waiting/{possible}", data={"decision": str(ruby), "csrf_token": token}
        )
        assert (done.status_code, done.headers["location"]) == (303, "/events/waiting?done=matched")
        row = stored(uow, possible)
        assert (row.child_id, row.match_state, row.identity_sealed) == (
            ruby,
            MatchState.MATCHED,
            None,
        )
        assert WORDS in client.get(f"/children/{ruby}/chronology").text
        with uow:
            actions = set(
                uow.session.scalars(
                    select(AuditEvent.action).where(
                        AuditEvent.actor_id == world.id("persona:dsl-oakfield")
                    )
                )
            )
        assert {"child:compared", "event:matched"} <= actions

    def test_the_school_sets_aside_an_event_about_no_child_it_can_find(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, waiting: tuple[str, str]
    ) -> None:
        _possible, unmatched = waiting
        sign_in(client, world, "dsl-oakfield")
        review = client.get(f"/events/waiting/{unmatched}")
        assert "Jigsaw found no child who may be this one." in review.text
        token = form_token(client, f"/events/waiting/{unmatched}")
        done = client.post(
            f"/events/waiting/{unmatched}", data={"decision": "set_aside", "csrf_token": token}
        )
        assert done.headers["location"] == "/events/waiting?done=set_aside"
        assert stored(uow, unmatched).match_state is MatchState.SET_ASIDE
        assert f"/events/waiting/{unmatched}" not in client.get("/events/waiting").text

    def test_another_school_cannot_see_or_settle_them(
        self, client: TestClient, world: DemoWorld, waiting: tuple[str, str]
    ) -> None:
        possible, _unmatched = waiting
        sign_in(client, world, "dsl-kestrel")
        assert possible not in client.get("/events/waiting").text
        assert client.get(f"/events/waiting/{possible}").status_code == 404
        token = form_token(client, "/events/waiting")
        refused = client.post(
            f"/events/waiting/{possible}", data={"decision": "set_aside", "csrf_token": token}
        )
        assert refused.status_code == 404


class TestWhoMayPost:
    def test_a_signed_in_person_cannot_post_only_a_system_can(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        sign_in(client, world, "dsl-oakfield")
        response = client.post("/api/v1/events", json={"events": [event("abs-1")]})
        assert response.status_code == 401

    def test_a_token_without_event_post_is_forbidden(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        reader = bearer(uow, world, "school-1", "child:read")
        response = client.post("/api/v1/events", headers=reader, json={"events": [event("a")]})
        assert response.status_code == 403


def test_the_api_publishes_the_categories_as_an_enum(client: TestClient) -> None:
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert sorted(schemas["EventCategory"]["enum"]) == sorted(POSTABLE)
    assert schemas["PostedEventIn"]["properties"]["category"] == {
        "$ref": "#/components/schemas/EventCategory"
    }
    assert "mash_decision" not in schemas["EventCategory"]["enum"]  # Jigsaw's own, not postable
