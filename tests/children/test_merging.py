"""Merging a duplicate into the kept record, and undoing it exactly, by a person only."""

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from jigsaw.access import facts
from jigsaw.access.actor import Actor
from jigsaw.access.models import InvolvementRole, MashCase, Restriction, RestrictionReason
from jigsaw.audit.models import AuditEvent
from jigsaw.children import merge_children, services, unmerge_children
from jigsaw.children.merging import NHS_CONFLICT
from jigsaw.children.models import (
    Child,
    ChildAddress,
    ChildFlag,
    ChildIdentifier,
    ChildMatchRecord,
    ChildName,
    ChildRelationship,
    FlagKind,
    NameKind,
    RelationshipKind,
)
from jigsaw.children.queries import MergedRecord
from jigsaw.core import clock
from jigsaw.core.db import Base
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from tests.children.helpers import actor, add_address, add_child, add_parent, nhs_number
from tests.demo_world import DemoWorld, load_world

REASON = "Same NHS number; the police recorded a nickname and a misspelt surname"
# Every table a merge may change, compared row for row before and after a round trip.
AFFECTED = (
    "children",
    "child_names",
    "child_identifiers",
    "child_addresses",
    "child_relationships",
    "child_flags",
    "involvements",
    "mash_cases",
    "break_glass_grants",
    "child_match_records",
    "child_match_keys",
)


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=20)


class Pair:
    """Jacob Smith as Oakfield knows him, and "Jake Smyth" as the police recorded him."""

    def __init__(self, uow: UnitOfWork, world: DemoWorld) -> None:
        school, police = world.id("org:school-1"), world.id("org:police")
        born, number = date(2015, 6, 1), nhs_number(10)
        with uow:
            s = uow.session
            home = add_address(s, line1="3 Fern Road", postcode="EM5 1AB")
            self.kept = add_child(
                s,
                given="Jacob",
                family="Smith",
                born=born,
                nhs_number=number,
                upn=("C123456789012", school),
                address_id=home,
                involved=(
                    (school, world.id("persona:teacher-oakfield"), InvolvementRole.CLASS_TEACHER),
                ),
            )
            self.merged = add_child(
                s,
                given="Jake",
                family="Smyth",
                born=born,
                nhs_number=number,
                local_ids=(("MP-77", police),),
                address_id=home,
                involved=(
                    (
                        police,
                        world.id("persona:police-officer"),
                        InvolvementRole.POLICE_OFFICER_IN_CASE,
                    ),
                ),
            )
            self.brother = add_child(s, given="Noah", family="Smith", born=date(2012, 2, 2))
            self.sister = add_child(s, given="Ella", family="Smith", born=date(2019, 7, 7))
            s.add_all(
                [
                    ChildName(
                        id=uuid.uuid4(),
                        child_id=self.merged,
                        kind=NameKind.PREFERRED,
                        given_names="Jake",
                        family_name="Smith",
                    ),
                    ChildAddress(
                        id=uuid.uuid4(),
                        child_id=self.merged,
                        valid_from=None,
                        address_id=add_address(s, line1="9 Old Road", postcode="EM6 2CD"),
                        valid_to=date(2020, 5, 1),
                    ),
                    ChildRelationship(
                        id=uuid.uuid4(),
                        child_id=self.brother,
                        related_child_id=self.merged,
                        kind=RelationshipKind.SIBLING,
                    ),
                    ChildRelationship(
                        id=uuid.uuid4(),
                        child_id=self.merged,
                        related_child_id=self.sister,
                        kind=RelationshipKind.SIBLING,
                    ),
                    # Recorded (wrongly) as brothers: a row between the two records stays put.
                    ChildRelationship(
                        id=uuid.uuid4(),
                        child_id=self.kept,
                        related_child_id=self.merged,
                        kind=RelationshipKind.SIBLING,
                    ),
                    ChildFlag(
                        id=uuid.uuid4(),
                        child_id=self.merged,
                        kind=FlagKind.CHILD_IN_NEED,
                        recorded_by_id=world.id("org:la"),
                        started_on=date(2025, 1, 6),
                    ),
                    MashCase(
                        id=uuid.uuid4(),
                        child_id=self.merged,
                        organisation_id=world.id("org:mash"),
                        opened_at=clock.now(),
                    ),
                ]
            )
            add_parent(s, [self.kept, self.merged], address_id=home)
            uow.commit()
        gp = actor(uow, world, "gp-riverside")
        with uow:
            facts.add_break_glass_grant(
                uow.session,
                gp,
                child_id=self.merged,
                now=clock.now(),
                reason="Seen out of hours",
                lasts=timedelta(hours=1),
            )
            uow.commit()


@pytest.fixture
def pair(uow: UnitOfWork, world: DemoWorld) -> Pair:
    return Pair(uow, world)


def snapshot(uow: UnitOfWork) -> dict[str, set[tuple[Any, ...]]]:
    with uow:
        return {
            name: {tuple(row) for row in uow.session.execute(select(Base.metadata.tables[name]))}
            for name in AFFECTED
        }


def test_a_merge_then_an_unmerge_leaves_every_table_exactly_as_before(
    uow: UnitOfWork, world: DemoWorld, pair: Pair
) -> None:
    before = snapshot(uow)
    manager = actor(uow, world, "mash-manager")
    merge = merge_children(uow, manager, kept_id=pair.kept, merged_id=pair.merged, reason=REASON)
    merged = snapshot(uow)
    assert merged != before
    unmerge_children(uow, manager, merge_id=merge.id)
    after = snapshot(uow)
    assert {
        name: after[name] ^ before[name] for name in AFFECTED if after[name] != before[name]
    } == {}


def test_a_merge_moves_what_the_kept_record_lacks(
    uow: UnitOfWork, world: DemoWorld, pair: Pair
) -> None:
    merge = merge_children(
        uow,
        actor(uow, world, "mash-manager"),
        kept_id=pair.kept,
        merged_id=pair.merged,
        reason=REASON,
    )
    assert merge.merged_by_id == world.id("persona:mash-manager")
    mine = [pair.kept, pair.merged, pair.brother, pair.sister]
    with uow:
        s = uow.session
        names = {
            (n.kind, n.given_names, n.family_name)
            for n in s.scalars(select(ChildName).where(ChildName.child_id == pair.kept))
        }
        identifiers = {
            (i.child_id, i.scheme)
            for i in s.scalars(
                select(ChildIdentifier).where(
                    ChildIdentifier.child_id.in_([pair.kept, pair.merged])
                )
            )
        }
        flags = s.scalars(
            select(ChildFlag.child_id).where(ChildFlag.child_id.in_([pair.kept, pair.merged]))
        ).all()
        merged_child = s.get(Child, pair.merged)
        assert merged_child is not None
        merged_into = merged_child.merged_into_id
        indexed = s.get(ChildMatchRecord, pair.merged)
        cases = s.scalars(
            select(MashCase.child_id).where(MashCase.child_id.in_([pair.kept, pair.merged]))
        ).all()
        siblings = {
            (r.child_id, r.related_child_id)
            for r in s.scalars(
                select(ChildRelationship).where(
                    ChildRelationship.kind == RelationshipKind.SIBLING,
                    ChildRelationship.child_id.in_(mine),
                )
            )
        }
    assert names == {
        ("legal", "Jacob", "Smith"),
        ("alias", "Jake", "Smyth"),
        ("preferred", "Jake", "Smith"),
    }
    # The NHS number both held stays on the merged record too: nothing to move.
    assert identifiers == {
        (pair.kept, "nhs_number"),
        (pair.kept, "upn"),
        (pair.kept, "local"),
        (pair.merged, "nhs_number"),
    }
    assert flags == [pair.kept]
    assert merged_into == pair.kept
    assert indexed is None
    assert cases == [pair.kept]
    assert siblings == {
        (pair.brother, pair.kept),
        (pair.kept, pair.sister),
        (pair.kept, pair.merged),
    }
    # The police officer now reaches the kept record; the GP's break-glass grant does not move.
    officer = actor(uow, world, "police-officer")
    record = services.open_child_record(uow, officer, child_id=pair.kept)
    assert {i.organisation for i in record.involvements} == {
        "Oakfield Primary School",
        "Moorshire Police",
    }
    with pytest.raises(NotFound):
        services.open_child_record(uow, actor(uow, world, "gp-riverside"), child_id=pair.kept)


def test_merging_and_unmerging_are_audited_against_both_children(
    uow: UnitOfWork, world: DemoWorld, pair: Pair
) -> None:
    manager = actor(uow, world, "mash-manager")
    merge = merge_children(uow, manager, kept_id=pair.kept, merged_id=pair.merged, reason=REASON)
    unmerge_children(uow, manager, merge_id=merge.id)
    with uow:
        rows = uow.session.execute(
            select(AuditEvent.action, AuditEvent.child_id, AuditEvent.actor_id).where(
                AuditEvent.action.in_(["child:merged", "child:unmerged"])
            )
        ).all()
    me = world.id("persona:mash-manager")
    assert sorted((a, str(c), u) for a, c, u in rows) == sorted(
        (action, str(child), me)
        for action in ("child:merged", "child:unmerged")
        for child in (pair.kept, pair.merged)
    )


def test_different_nhs_numbers_are_never_merged(
    uow: UnitOfWork, world: DemoWorld, pair: Pair
) -> None:
    with uow:
        other = add_child(
            uow.session,
            given="Jacob",
            family="Smith",
            born=date(2015, 6, 1),
            nhs_number=nhs_number(11),
        )
        uow.commit()
    before = snapshot(uow)
    with pytest.raises(Invalid) as refused:
        merge_children(
            uow,
            actor(uow, world, "mash-manager"),
            kept_id=pair.kept,
            merged_id=other,
            reason=REASON,
        )
    assert refused.value.errors == {"keep": NHS_CONFLICT}
    assert snapshot(uow) == before


@pytest.mark.parametrize("persona", ["teacher-oakfield", "social-worker", "mash-practitioner"])
def test_only_those_who_merge_duplicates_may(
    uow: UnitOfWork, world: DemoWorld, pair: Pair, persona: str
) -> None:
    with pytest.raises(NotFound):
        merge_children(
            uow, actor(uow, world, persona), kept_id=pair.kept, merged_id=pair.merged, reason=REASON
        )


def test_jigsaw_never_merges_on_its_own(uow: UnitOfWork, pair: Pair) -> None:
    with pytest.raises(NotFound):
        merge_children(
            uow,
            Actor.system("job:find-duplicates"),
            kept_id=pair.kept,
            merged_id=pair.merged,
            reason=REASON,
        )


def test_a_restricted_child_is_never_merged(uow: UnitOfWork, world: DemoWorld, pair: Pair) -> None:
    with uow:
        uow.session.add(
            Restriction(
                child_id=pair.merged, reason=RestrictionReason.ADOPTION, created_at=clock.now()
            )
        )
        uow.commit()
    with pytest.raises(NotFound):
        merge_children(
            uow,
            actor(uow, world, "mash-manager"),
            kept_id=pair.kept,
            merged_id=pair.merged,
            reason=REASON,
        )


def test_a_reason_and_two_records_are_needed(uow: UnitOfWork, world: DemoWorld, pair: Pair) -> None:
    manager = actor(uow, world, "mash-manager")
    with pytest.raises(Invalid) as short:
        merge_children(uow, manager, kept_id=pair.kept, merged_id=pair.merged, reason="same")
    assert set(short.value.errors) == {"reason"}
    with pytest.raises(Invalid) as same:
        merge_children(uow, manager, kept_id=pair.kept, merged_id=pair.kept, reason=REASON)
    assert set(same.value.errors) == {"keep"}


def test_merges_of_merges_are_followed_and_undone_in_order(
    uow: UnitOfWork, world: DemoWorld, pair: Pair
) -> None:
    manager = actor(uow, world, "mash-manager")
    first = merge_children(uow, manager, kept_id=pair.merged, merged_id=pair.brother, reason=REASON)
    with pytest.raises(Conflict):
        merge_children(uow, manager, kept_id=pair.kept, merged_id=pair.brother, reason=REASON)
    second = merge_children(uow, manager, kept_id=pair.kept, merged_id=pair.merged, reason=REASON)
    teacher = actor(uow, world, "teacher-oakfield")
    with pytest.raises(MergedRecord) as followed:
        services.open_child_record(uow, teacher, child_id=pair.brother)
    assert followed.value.kept_id == pair.kept
    with pytest.raises(Conflict):
        unmerge_children(uow, manager, merge_id=first.id)
    unmerge_children(uow, manager, merge_id=second.id)
    unmerge_children(uow, manager, merge_id=first.id)
    with pytest.raises(Conflict):
        unmerge_children(uow, manager, merge_id=first.id)
    with pytest.raises(NotFound):
        unmerge_children(uow, manager, merge_id=uuid.uuid4())
