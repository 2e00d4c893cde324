"""Linking a roster: all of it or none of it; clear matches linked, the rest to a person."""

import uuid
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from jigsaw.access.actor import Actor
from jigsaw.access.models import Involvement, InvolvementRole, Restriction, RestrictionReason
from jigsaw.children import ChildIdentifier, IdentifierScheme, index
from jigsaw.core import clock
from jigsaw.core.errors import Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.linking import (
    Decision,
    LinkReview,
    LinkReviewStatus,
    RosterRejected,
    link_roster,
    rules,
)
from jigsaw.linking.services import recording, rosters
from jigsaw.matching import PersonRecord
from tests.demo_world import DemoWorld, load_world
from tests.linking.helpers import (
    actions,
    add_indexed_child,
    born,
    counts,
    known_by_another_name,
    persona,
    pupils,
    roster,
    row_for,
)

SYSTEM = Actor.system("test:link")


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=200)


def police(world: DemoWorld) -> uuid.UUID:
    return world.id("org:police")


def one_day_out(day: date) -> date:
    """A birthday mistyped by one day, in the same month."""
    return day + timedelta(days=1 if day.day < 28 else -1)


def possible_row(world: DemoWorld) -> dict[str, str]:
    """A child under another first name: could be a twin, so always a possible match."""
    return known_by_another_name(world, pupils(world)[4], "N-POSSIBLE")


NOBODY = {
    "given_names": "Zebedee",
    "family_name": "Quillfeather",
    "date_of_birth": "2016-02-29",
    "local_id": "N-NOBODY",
    "sex": "M",
    "postcode": "EM4 9ZZ",
    "nhs_number": "943 476 5900",
}


def test_a_roster_with_bad_rows_links_nothing_and_reports_every_bad_row(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    good = [row_for(world, child, f"N-{i}") for i, child in enumerate(pupils(world)[:3])]
    bad_date = {**good[1], "date_of_birth": "2015-02-30"}
    bad_nhs = {**good[2], "nhs_number": "1234567890", "upn": "A801200005001"}
    before = counts(uow)
    with pytest.raises(RosterRejected) as rejected:
        link_roster(
            uow,
            SYSTEM,
            organisation_id=police(world),
            create=True,
            roster=roster(good[0], bad_date, bad_nhs, NOBODY),
        )
    assert [(p.row, p.column) for p in rejected.value.problems] == [
        (3, "date_of_birth"),
        (4, "nhs_number"),
        (4, "upn"),
    ]
    assert rejected.value.local_ids == {2: "N-0", 3: "N-1", 4: "N-2", 5: "N-NOBODY"}
    assert counts(uow) == before


def test_a_clean_roster_links_matches_queues_possibles_and_reports_the_rest(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    children = pupils(world)[:3]
    rows = [row_for(world, child, f"N-{i}") for i, child in enumerate(children)]
    before = counts(uow)
    outcome = link_roster(
        uow,
        SYSTEM,
        organisation_id=police(world),
        roster=roster(*rows, possible_row(world), NOBODY),
    )
    decisions = outcome.decisions
    assert [d.decision for d in decisions] == [Decision.MATCHED] * 3 + [
        Decision.POSSIBLE,
        Decision.NO_MATCH,
    ]
    assert [d.child_id for d in decisions[:3]] == [world.id(c.key) for c in children]
    assert [d.row for d in decisions] == [2, 3, 4, 5, 6]
    assert decisions[0].band == "match"
    assert "date of birth: same" in decisions[0].explanation
    assert children[0].given_names not in decisions[0].explanation
    run = outcome.run
    assert (run.rows, run.matched, run.possible, run.unmatched, run.created) == (5, 3, 1, 1, 0)
    assert run.role is InvolvementRole.OTHER  # the police's default: a nominal list
    assert run.decisions_csv == rules.decisions_csv(decisions)
    after = counts(uow)
    assert after["involvements"] == before["involvements"] + 3
    assert after["identifiers"] == before["identifiers"] + 3
    assert (after["runs"], after["reviews"]) == (before["runs"] + 1, before["reviews"] + 1)
    assert after["children"] == before["children"]
    with uow:
        involved = uow.session.scalars(
            select(Involvement).where(
                Involvement.organisation_id == police(world),
                Involvement.role == InvolvementRole.OTHER,
            )
        ).all()
        assert {i.child_id for i in involved} == {world.id(c.key) for c in children}
        assert {i.user_id for i in involved} == {None}
        local = uow.session.scalars(
            select(ChildIdentifier).where(
                ChildIdentifier.issuer_id == police(world), ChildIdentifier.value.like("N-%")
            )
        ).all()
        assert {(i.value, i.child_id, i.scheme) for i in local} == {
            (f"N-{i}", world.id(c.key), IdentifierScheme.LOCAL) for i, c in enumerate(children)
        }
        [review] = uow.session.scalars(select(LinkReview)).all()
    assert review.status is LinkReviewStatus.OPEN
    assert (review.row_number, review.organisation_id) == (5, police(world))
    assert review.roster_row["local_id"] == "N-POSSIBLE"
    assert str(world.id(pupils(world)[4].key)) in {c["child_id"] for c in review.candidates}
    [linked] = actions(uow, "roster:linked")
    assert (linked.subject_type, linked.subject_id) == ("link_run", run.id)
    assert {e.child_id for e in actions(uow, "involvement:recorded")} == {
        world.id(c.key) for c in children
    }
    assert [e.subject_id for e in actions(uow, "link_review:queued")] == [review.id]


def test_a_school_confirms_its_pupils_and_records_only_their_local_ids(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    children = pupils(world)[:4]
    before = counts(uow)
    outcome = link_roster(
        uow,
        SYSTEM,
        organisation_id=world.id("org:school-1"),
        roster=roster(*(row_for(world, c, f"S-{c.key}") for c in children)),
    )
    assert [d.decision for d in outcome.decisions] == [Decision.MATCHED] * 4
    assert outcome.run.role is InvolvementRole.SCHOOL_ATTENDED
    after = counts(uow)
    assert after["involvements"] == before["involvements"]  # already on roll
    assert after["identifiers"] == before["identifiers"] + 4
    assert actions(uow, "involvement:recorded") == []


def test_with_create_children_no_one_matches_are_added_and_indexed(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    before = counts(uow)
    outcome = link_roster(
        uow,
        SYSTEM,
        organisation_id=police(world),
        create=True,
        roster=roster(NOBODY, possible_row(world)),
    )
    created, possible = outcome.decisions
    assert (created.decision, possible.decision) == (Decision.CREATED, Decision.POSSIBLE)
    assert outcome.run.created == 1
    assert created.child_id is not None
    after = counts(uow)
    assert after["children"] == before["children"] + 1
    assert after["index"] == before["index"] + 1
    assert after["involvements"] == before["involvements"] + 1
    with uow:
        record = index.indexed_records(uow.session, [created.child_id])[created.child_id]
        identifiers = uow.session.scalars(
            select(ChildIdentifier).where(ChildIdentifier.child_id == created.child_id)
        ).all()
    assert (record.given_names, record.family_name) == ("Zebedee", "Quillfeather")
    assert (record.date_of_birth, record.sex, record.nhs_number) == (
        born("2016-02-29"),
        "male",
        "9434765900",
    )
    assert {(i.scheme, i.value) for i in identifiers} == {
        (IdentifierScheme.NHS_NUMBER, "9434765900"),
        (IdentifierScheme.LOCAL, "N-NOBODY"),
    }
    assert [e.subject_id for e in actions(uow, "child:recorded")][-1] == created.child_id


def test_twins_in_the_index_are_never_linked_automatically(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    ellie = PersonRecord(
        given_names="Ellie",
        family_name="Marchbank",
        date_of_birth=born("2017-06-01"),
        sex="female",
        postcode="EM4 2XY",
        household_key="twins",
    )
    ella = PersonRecord(
        given_names="Ella",
        family_name="Marchbank",
        date_of_birth=born("2017-06-01"),
        sex="female",
        postcode="EM4 2XY",
        household_key="twins",
    )
    ids = {add_indexed_child(uow, ellie), add_indexed_child(uow, ella)}
    row = {
        "given_names": "Ellie",
        "family_name": "Marchbank",
        "date_of_birth": "2017-06-01",
        "sex": "F",
        "postcode": "EM4 2XY",
    }
    outcome = link_roster(uow, SYSTEM, organisation_id=police(world), roster=roster(row))
    [decision] = outcome.decisions
    assert decision.decision is Decision.POSSIBLE
    assert decision.explanation == rules.TWO_MATCHES
    with uow:
        [review] = uow.session.scalars(select(LinkReview)).all()
    assert {uuid.UUID(str(c["child_id"])) for c in review.candidates} == ids
    assert {c["band"] for c in review.candidates} == {"match"}
    assert actions(uow, "involvement:recorded") == []


def test_two_rows_matching_one_child_both_go_to_a_person(uow: UnitOfWork, world: DemoWorld) -> None:
    child = pupils(world)[0]
    outcome = link_roster(
        uow,
        SYSTEM,
        organisation_id=police(world),
        roster=roster(row_for(world, child, "A"), row_for(world, child, "B")),
    )
    assert [d.decision for d in outcome.decisions] == [Decision.POSSIBLE] * 2
    assert {d.explanation for d in outcome.decisions} == {rules.SAME_CHILD_TWICE}


def test_a_restricted_child_is_never_linked_nor_offered(uow: UnitOfWork, world: DemoWorld) -> None:
    [restriction] = world.partnership.casework.restrictions
    child = next(c for c in world.partnership.children if c.key == restriction.child_key)
    hidden = world.id(child.key)
    nearly = {**row_for(world, child, "R-2"), "nhs_number": "", "upn": "", "postcode": ""}
    nearly["date_of_birth"] = one_day_out(child.date_of_birth).isoformat()
    outcome = link_roster(
        uow,
        SYSTEM,
        organisation_id=police(world),
        roster=roster(row_for(world, child, "R-1"), nearly),
    )
    assert [d.decision for d in outcome.decisions] == [Decision.NO_MATCH] * 2
    assert {d.child_id for d in outcome.decisions} == {None}
    with uow:
        assert (
            uow.session.scalars(
                select(Involvement).where(
                    Involvement.child_id == hidden, Involvement.organisation_id == police(world)
                )
            ).all()
            == []
        )
        offered = {
            c["child_id"] for r in uow.session.scalars(select(LinkReview)) for c in r.candidates
        }
    assert str(hidden) not in offered


@pytest.mark.parametrize("listed", [5_000, 1], ids=["ids sent", "all the organisation's read"])
def test_a_roster_sent_again_confirms_by_local_id_and_queues_nothing_twice(
    uow: UnitOfWork, world: DemoWorld, monkeypatch: pytest.MonkeyPatch, listed: int
) -> None:
    monkeypatch.setattr(recording, "CHUNK", listed)
    children = pupils(world)[:2]
    changed = {**row_for(world, children[1], "N-1"), "family_name": "Moved-Away", "nhs_number": ""}
    first = roster(
        row_for(world, children[0], "N-0"), row_for(world, children[1], "N-1"), possible_row(world)
    )
    link_roster(uow, SYSTEM, organisation_id=police(world), roster=first)
    before = counts(uow)
    again = link_roster(
        uow,
        SYSTEM,
        organisation_id=police(world),
        roster=roster(row_for(world, children[0], "N-0"), changed, possible_row(world)),
    )
    first_row, changed_row, possible = again.decisions
    assert (first_row.decision, first_row.explanation) == (
        Decision.MATCHED,
        rosters.KNOWN_BY_LOCAL_ID,
    )
    assert (changed_row.decision, changed_row.child_id) == (
        Decision.MATCHED,
        world.id(children[1].key),
    )
    assert possible.decision is Decision.POSSIBLE
    assert possible.explanation.endswith(rosters.WAITING)
    after = counts(uow)
    assert (after["involvements"], after["identifiers"], after["reviews"]) == (
        before["involvements"],
        before["identifiers"],
        before["reviews"],
    )
    assert after["runs"] == before["runs"] + 1


def test_a_local_id_that_already_names_another_child_is_not_moved(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    first, second = pupils(world)[:2]
    link_roster(
        uow, SYSTEM, organisation_id=police(world), roster=roster(row_for(world, first, "N-0"))
    )
    outcome = link_roster(
        uow, SYSTEM, organisation_id=police(world), roster=roster(row_for(world, second, "N-0"))
    )
    [decision] = outcome.decisions
    assert decision.child_id == world.id(first.key)  # the id is the agency's word for the child
    assert decision.explanation == rosters.KNOWN_BY_LOCAL_ID


def test_only_the_organisation_s_own_linkers_link_its_roster(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    data = roster(row_for(world, pupils(world)[0]))
    school = world.id("org:school-1")
    for who in ("dsl-kestrel", "teacher-oakfield"):
        with pytest.raises(NotFound):
            link_roster(uow, persona(uow, world, who), organisation_id=school, roster=data)
    with pytest.raises(NotFound):
        link_roster(uow, SYSTEM, organisation_id=uuid.uuid4(), roster=data)
    with pytest.raises(Invalid) as invalid:
        link_roster(
            uow,
            persona(uow, world, "dsl-oakfield"),
            organisation_id=school,
            roster=data,
            role="class_teacher",
        )
    assert set(invalid.value.errors) == {"role"}
    outcome = link_roster(
        uow, persona(uow, world, "admin-oakfield"), organisation_id=school, roster=data
    )
    assert outcome.run.started_by_id == world.id("persona:admin-oakfield")


def test_a_local_id_of_a_child_now_restricted_is_not_moved_to_another(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    first, second = pupils(world)[:2]
    link_roster(
        uow, SYSTEM, organisation_id=police(world), roster=roster(row_for(world, first, "N-0"))
    )
    with uow:
        uow.session.add(
            Restriction(
                child_id=world.id(first.key),
                reason=RestrictionReason.WITNESS_PROTECTION,
                created_at=clock.now(),
            )
        )
        uow.commit()
    outcome = link_roster(
        uow, SYSTEM, organisation_id=police(world), roster=roster(row_for(world, second, "N-0"))
    )
    [decision] = outcome.decisions
    assert (decision.decision, decision.child_id) == (Decision.MATCHED, world.id(second.key))
    assert decision.explanation.endswith(rosters.LOCAL_ID_NAMES_ANOTHER)
    with uow:
        named = uow.session.scalars(
            select(ChildIdentifier.child_id).where(
                ChildIdentifier.issuer_id == police(world), ChildIdentifier.value == "N-0"
            )
        ).all()
    assert named == [world.id(first.key)]
