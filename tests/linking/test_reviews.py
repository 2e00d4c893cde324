"""Settling a possible match: compare (audited), then this child, a new child, or none."""

import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from jigsaw.access.actor import Actor
from jigsaw.access.models import Involvement, InvolvementRole, Restriction, RestrictionReason
from jigsaw.children import Child, ChildIdentifier, IdentifierScheme, index
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import DemoChild
from jigsaw.linking import (
    Decision,
    LinkReview,
    LinkReviewStatus,
    decide_link_review,
    link_roster,
    open_link_review,
)
from jigsaw.linking.services import list_possible_matches, rosters
from tests.demo_world import DemoWorld, load_world
from tests.linking.helpers import (
    ANOTHER_NAME,
    actions,
    counts,
    known_by_another_name,
    persona,
    pupils,
    roster,
)

SYSTEM = Actor.system("test:link")


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=200)


def newcomer(world: DemoWorld) -> DemoChild:
    """A pupil of St Aidan's who has just joined Oakfield."""
    return pupils(world, "org:school-2")[0]


@pytest.fixture
def review(uow: UnitOfWork, world: DemoWorld) -> LinkReview:
    """Oakfield's roster with a newcomer it is not sure of: queued for its DSL."""
    outcome = link_roster(
        uow,
        SYSTEM,
        organisation_id=world.id("org:school-1"),
        roster=roster(known_by_another_name(world, newcomer(world), "OAK-NEW")),
    )
    assert [d.decision for d in outcome.decisions] == [Decision.POSSIBLE]
    with uow:
        return uow.session.scalars(select(LinkReview)).one()


def involved(uow: UnitOfWork, world: DemoWorld, child_id: uuid.UUID) -> list[Involvement]:
    with uow:
        return list(
            uow.session.scalars(
                select(Involvement).where(
                    Involvement.child_id == child_id,
                    Involvement.organisation_id == world.id("org:school-1"),
                    Involvement.role == InvolvementRole.SCHOOL_ATTENDED,
                )
            )
        )


def test_opening_a_review_shows_each_candidate_s_identity_and_audits_the_comparison(
    uow: UnitOfWork, world: DemoWorld, review: LinkReview
) -> None:
    dsl = persona(uow, world, "dsl-oakfield")
    comparison = open_link_review(uow, dsl, review_id=review.id)
    child = newcomer(world)
    best = comparison.candidates[0]
    assert best.child_id == world.id(child.key)
    assert (best.record.given_names, best.record.family_name) == (
        child.given_names,
        child.family_name,
    )
    assert best.record.date_of_birth == child.date_of_birth
    assert comparison.row.local_id == "OAK-NEW"
    assert any(
        e.text == f"given name: different ({ANOTHER_NAME} / {child.given_names.split()[0]})"
        for e in best.match.explanation
    )
    compared = actions(uow, "child:compared")
    assert [e.child_id for e in compared] == [c.child_id for c in comparison.candidates]
    assert {e.actor_id for e in compared} == {dsl.id}
    assert [r.id for r in list_possible_matches(uow, dsl)] == [review.id]


def test_this_is_the_child_records_the_involvement_and_the_local_id(
    uow: UnitOfWork, world: DemoWorld, review: LinkReview
) -> None:
    dsl = persona(uow, world, "dsl-oakfield")
    child_id = world.id(newcomer(world).key)
    assert involved(uow, world, child_id) == []
    settled = decide_link_review(
        uow,
        dsl,
        review_id=review.id,
        decision="confirmed",
        child_id=child_id,
        note="  Same child: mother   confirmed. ",
    )
    assert settled.status is LinkReviewStatus.CONFIRMED
    assert (settled.chosen_child_id, settled.decided_by_id) == (child_id, dsl.id)
    assert settled.note == "Same child: mother confirmed."
    [involvement] = involved(uow, world, child_id)
    assert involvement.user_id is None
    with uow:
        local = uow.session.scalars(
            select(ChildIdentifier.child_id).where(
                ChildIdentifier.scheme == IdentifierScheme.LOCAL,
                ChildIdentifier.issuer_id == world.id("org:school-1"),
                ChildIdentifier.value == "OAK-NEW",
            )
        ).all()
    assert local == [child_id]
    [entry] = actions(uow, "link_review:confirmed")
    assert (entry.subject_id, entry.child_id, entry.actor_id) == (review.id, child_id, dsl.id)
    assert [e.child_id for e in actions(uow, "involvement:recorded")] == [child_id]
    assert list_possible_matches(uow, dsl) == []


def test_a_decision_needs_a_choice_among_the_children_shown(
    uow: UnitOfWork, world: DemoWorld, review: LinkReview
) -> None:
    dsl = persona(uow, world, "dsl-oakfield")
    stranger = world.id(pupils(world)[0].key)
    attempts = [
        ({"decision": ""}, "decision"),
        ({"decision": "maybe"}, "decision"),
        ({"decision": "confirmed"}, "child_id"),
        ({"decision": "confirmed", "child_id": stranger}, "child_id"),
        ({"decision": "rejected", "note": "x" * 2001}, "note"),
    ]
    before = counts(uow)
    for kwargs, field in attempts:
        with pytest.raises(Invalid) as invalid:
            decide_link_review(uow, dsl, review_id=review.id, **kwargs)  # type: ignore[arg-type]
        assert set(invalid.value.errors) == {field}
    assert counts(uow)["involvements"] == before["involvements"]
    with uow:
        assert uow.session.get_one(LinkReview, review.id).status is LinkReviewStatus.OPEN


def test_none_of_these_as_a_new_child_adds_the_child_to_the_index(
    uow: UnitOfWork, world: DemoWorld, review: LinkReview
) -> None:
    dsl = persona(uow, world, "dsl-oakfield")
    before = counts(uow)
    settled = decide_link_review(uow, dsl, review_id=review.id, decision="new_child")
    assert settled.status is LinkReviewStatus.NEW_CHILD
    new_id = settled.chosen_child_id
    assert new_id is not None
    assert new_id != world.id(newcomer(world).key)
    after = counts(uow)
    assert (after["children"], after["index"]) == (before["children"] + 1, before["index"] + 1)
    with uow:
        record = index.indexed_records(uow.session, [new_id])[new_id]
    assert record.given_names == ANOTHER_NAME
    assert len(involved(uow, world, new_id)) == 1
    assert [e.subject_id for e in actions(uow, "link_review:added_as_new_child")] == [review.id]


def test_none_of_these_records_nothing_and_the_row_is_not_queued_again(
    uow: UnitOfWork, world: DemoWorld, review: LinkReview
) -> None:
    dsl = persona(uow, world, "dsl-oakfield")
    before = counts(uow)
    settled = decide_link_review(uow, dsl, review_id=review.id, decision="rejected")
    assert (settled.status, settled.chosen_child_id) == (LinkReviewStatus.REJECTED, None)
    after = counts(uow)
    assert (after["children"], after["involvements"], after["identifiers"]) == (
        before["children"],
        before["involvements"],
        before["identifiers"],
    )
    again = link_roster(
        uow,
        SYSTEM,
        organisation_id=world.id("org:school-1"),
        create=True,
        roster=roster(known_by_another_name(world, newcomer(world), "OAK-NEW")),
    )
    [decision] = again.decisions
    assert (decision.decision, decision.explanation) == (Decision.NO_MATCH, rosters.CHECKED_BEFORE)
    assert counts(uow)["reviews"] == after["reviews"]


def test_a_settled_review_cannot_be_settled_again(
    uow: UnitOfWork, world: DemoWorld, review: LinkReview
) -> None:
    dsl = persona(uow, world, "dsl-oakfield")
    decide_link_review(uow, dsl, review_id=review.id, decision="rejected")
    with pytest.raises(Conflict):
        decide_link_review(uow, dsl, review_id=review.id, decision="new_child")


def test_only_the_organisation_s_reviewers_reach_its_reviews(
    uow: UnitOfWork, world: DemoWorld, review: LinkReview
) -> None:
    for who in ("dsl-kestrel", "teacher-oakfield", "admin-oakfield", "social-worker"):
        actor = persona(uow, world, who)
        with pytest.raises(NotFound):
            open_link_review(uow, actor, review_id=review.id)
        with pytest.raises(NotFound):
            decide_link_review(uow, actor, review_id=review.id, decision="rejected")
        assert list_possible_matches(uow, actor) == []
    dsl = persona(uow, world, "dsl-oakfield")
    with pytest.raises(NotFound):
        open_link_review(uow, dsl, review_id=uuid.uuid4())
    assert actions(uow, "child:compared") == []


def test_a_child_restricted_since_the_row_was_queued_is_no_longer_shown_or_chosen(
    uow: UnitOfWork, world: DemoWorld, review: LinkReview
) -> None:
    child_id = world.id(newcomer(world).key)
    with uow:
        uow.session.add(
            Restriction(
                child_id=child_id, reason=RestrictionReason.ADOPTION, created_at=clock.now()
            )
        )
        uow.commit()
    dsl = persona(uow, world, "dsl-oakfield")
    comparison = open_link_review(uow, dsl, review_id=review.id)
    assert child_id not in {c.child_id for c in comparison.candidates}
    assert child_id not in {e.child_id for e in actions(uow, "child:compared")}
    with pytest.raises(Invalid):
        decide_link_review(uow, dsl, review_id=review.id, decision="confirmed", child_id=child_id)


def test_a_candidate_merged_since_is_shown_as_the_record_it_was_merged_into(
    uow: UnitOfWork, world: DemoWorld, review: LinkReview
) -> None:
    merged = world.id(newcomer(world).key)
    kept = world.id(pupils(world, "org:school-2")[1].key)
    with uow:
        uow.session.get_one(Child, merged).merged_into_id = kept
        index.reindex(uow.session, [merged, kept])
        uow.commit()
    dsl = persona(uow, world, "dsl-oakfield")
    shown = {c.child_id for c in open_link_review(uow, dsl, review_id=review.id).candidates}
    assert merged not in shown
    assert kept in shown
    settled = decide_link_review(uow, dsl, review_id=review.id, decision="confirmed", child_id=kept)
    assert settled.chosen_child_id == kept


def test_dates_in_the_queue_are_the_roster_s_own(review: LinkReview, world: DemoWorld) -> None:
    row = known_by_another_name(world, newcomer(world), "OAK-NEW")
    assert review.roster_row == {key: value for key, value in row.items() if value}
    assert review.roster_row["given_names"] == ANOTHER_NAME


def test_confirming_a_pupil_already_on_roll_records_only_the_local_id(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    pupil = pupils(world)[4]
    outcome = link_roster(
        uow,
        SYSTEM,
        organisation_id=world.id("org:school-1"),
        roster=roster(known_by_another_name(world, pupil, "OAK-NEW")),
    )
    assert [d.decision for d in outcome.decisions] == [Decision.POSSIBLE]
    with uow:
        review = uow.session.scalars(select(LinkReview)).one()
    before = counts(uow)
    dsl = persona(uow, world, "dsl-oakfield")
    decide_link_review(
        uow, dsl, review_id=review.id, decision="confirmed", child_id=world.id(pupil.key)
    )
    after = counts(uow)
    assert after["involvements"] == before["involvements"]
    assert after["identifiers"] == before["identifiers"] + 1
    assert actions(uow, "involvement:recorded") == []
