"""Unborn child protection plans: held against the expectant parent, shown on the records of
the parent's other children, and moved to the baby at the birth (as CP-IS does)."""

import uuid
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw import children
from jigsaw.access.models import Involvement, InvolvementRole
from jigsaw.access.permissions import Permission
from jigsaw.audit.models import AuditEvent
from jigsaw.children import NewBaby, record_birth, record_unborn_plan, services
from jigsaw.children.models import (
    AbuseCategory,
    Child,
    ChildFlag,
    ChildIdentifier,
    ChildMatchRecord,
    ChildRelationship,
    RelationshipKind,
    Sex,
)
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.matching import PersonRecord
from tests.children.helpers import actor, add_address, add_child, add_parent, nhs_number
from tests.demo_world import DemoWorld, bearer, load_world

DUE = date(2026, 12, 1)
STARTED = date(2026, 9, 14)


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=20)


class Family:
    """A mother of two pupils at Oakfield, expecting a third child."""

    def __init__(self, uow: UnitOfWork, world: DemoWorld) -> None:
        school = world.id("org:school-1")
        teacher = world.id("persona:teacher-oakfield")
        with uow:
            self.home = add_address(uow.session, line1="7 Ash Grove", postcode="EM3 9ZZ")
            self.children = [
                add_child(
                    uow.session,
                    given=given,
                    family="Marsh",
                    born=born,
                    address_id=self.home,
                    involved=((school, teacher, InvolvementRole.CLASS_TEACHER),),
                )
                for given, born in (("Mia", date(2016, 4, 2)), ("Leo", date(2018, 9, 30)))
            ]
            self.mother = add_parent(
                uow.session, self.children, nhs_number=nhs_number(7), address_id=self.home
            )
            uow.commit()
        self.uow, self.world = uow, world

    def plan(self, persona: str = "social-worker", **overrides: object) -> ChildFlag:
        values: dict[str, object] = {
            "expectant_parent_id": self.mother,
            "due_on": DUE,
            "started_on": STARTED,
            "category": AbuseCategory.NEGLECT,
        }
        values.update(overrides)
        return record_unborn_plan(self.uow, actor(self.uow, self.world, persona), **values)  # type: ignore[arg-type]


@pytest.fixture
def family(uow: UnitOfWork, world: DemoWorld) -> Family:
    return Family(uow, world)


class TestRecordUnbornPlan:
    def test_social_care_records_it_and_the_siblings_records_show_it(
        self, uow: UnitOfWork, world: DemoWorld, family: Family
    ) -> None:
        plan = family.plan()
        assert (plan.child_id, plan.expectant_parent_id, plan.due_on) == (None, family.mother, DUE)
        assert plan.recorded_by_id == world.id("org:la")
        teacher = actor(uow, world, "teacher-oakfield")
        for sibling in family.children:
            record = services.open_child_record(uow, teacher, child_id=sibling)
            [shown] = record.unborn_sibling_plans
            assert (shown.started_on, shown.due_on, shown.category) == (STARTED, DUE, "NEG")
            assert shown.recorded_by == "Eastmoor Council Children's Services"
        with uow:
            logged = uow.session.scalars(
                select(AuditEvent.subject_id).where(AuditEvent.action == "child_flag:recorded")
            ).all()
        assert logged == [plan.id]

    def test_an_ended_plan_is_not_shown_as_current(
        self, uow: UnitOfWork, world: DemoWorld, family: Family
    ) -> None:
        plan = family.plan()
        with uow:
            stored = uow.session.get(ChildFlag, plan.id)
            assert stored is not None
            stored.ended_on = STARTED + timedelta(days=30)
            uow.commit()
        record = services.open_child_record(
            uow, actor(uow, world, "teacher-oakfield"), child_id=family.children[0]
        )
        assert record.unborn_sibling_plans == []

    @pytest.mark.parametrize("persona", ["teacher-oakfield", "police-officer", "mash-manager"])
    def test_no_one_else_records_one(self, family: Family, persona: str) -> None:
        with pytest.raises(NotFound):
            family.plan(persona)

    def test_an_unknown_parent_is_not_found(self, family: Family) -> None:
        with pytest.raises(NotFound):
            family.plan(expectant_parent_id=uuid.uuid4())

    def test_dates_must_make_sense(self, family: Family) -> None:
        with pytest.raises(Invalid) as refused:
            family.plan(started_on=clock.today() + timedelta(days=1), due_on=clock.today())
        assert set(refused.value.errors) == {"started_on", "due_on"}


class TestRecordBirth:
    def test_the_plan_moves_to_the_new_baby(
        self, uow: UnitOfWork, world: DemoWorld, family: Family
    ) -> None:
        plan = family.plan()
        baby = NewBaby(
            given_names="Isla",
            family_name="Marsh",
            date_of_birth=DUE,
            sex=Sex.FEMALE,
            nhs_number=nhs_number(8),
        )
        born = record_birth(uow, actor(uow, world, "social-worker"), plan_id=plan.id, baby=baby)
        with uow:
            moved = uow.session.get(ChildFlag, plan.id)
            assert moved is not None
            assert (moved.child_id, moved.expectant_parent_id) == (born.id, None)
            relatives = {
                (r.kind, r.adult_id, r.related_child_id)
                for r in uow.session.scalars(
                    select(ChildRelationship).where(ChildRelationship.child_id == born.id)
                )
            }
            [number] = uow.session.scalars(
                select(ChildIdentifier.value).where(ChildIdentifier.child_id == born.id)
            ).all()
            indexed = uow.session.get(ChildMatchRecord, born.id)
            involvement = uow.session.scalars(
                select(Involvement).where(Involvement.child_id == born.id)
            ).one()
            actions = uow.session.scalars(
                select(AuditEvent.action).where(AuditEvent.child_id == born.id)
            ).all()
        assert relatives == {
            (RelationshipKind.PARENT, family.mother, None),
            *((RelationshipKind.SIBLING, None, sibling) for sibling in family.children),
        }
        assert number == nhs_number(8)
        assert indexed is not None
        assert indexed.postcode == "EM3 9ZZ"
        assert (involvement.organisation_id, involvement.user_id, involvement.role) == (
            world.id("org:la"),
            world.id("persona:social-worker"),
            "childrens_social_care",
        )
        assert {"involvement:recorded", "child:recorded", "child_flag:moved"} <= set(actions)

        social_worker = actor(uow, world, "social-worker")
        record = services.open_child_record(uow, social_worker, child_id=born.id)
        assert [(f.kind, f.due_on) for f in record.flags] == [("unborn_child_protection_plan", DUE)]
        teacher = actor(uow, world, "teacher-oakfield")
        sibling = services.open_child_record(uow, teacher, child_id=family.children[0])
        assert sibling.unborn_sibling_plans == []
        assert born.id in {r.child_id for r in sibling.family}
        found = children.find_children(
            uow,
            social_worker,
            query=PersonRecord(given_names="Isla", family_name="Marsh", date_of_birth=DUE),
        )
        assert born.id in {r.child_id for r in found}

    def test_the_plan_moves_to_a_baby_already_recorded(
        self, uow: UnitOfWork, world: DemoWorld, family: Family
    ) -> None:
        plan = family.plan()
        with uow:
            baby = add_child(
                uow.session,
                given="Isla",
                family="Marsh",
                born=DUE,
                involved=((world.id("org:la"), None, InvolvementRole.CHILDRENS_SOCIAL_CARE),),
            )
            uow.commit()
        born = record_birth(uow, actor(uow, world, "social-worker"), plan_id=plan.id, child_id=baby)
        assert born.id == baby
        with uow:
            moved = uow.session.get(ChildFlag, plan.id)
            assert moved is not None
            assert moved.child_id == baby

    def test_only_once_and_only_by_social_care(
        self, uow: UnitOfWork, world: DemoWorld, family: Family
    ) -> None:
        plan = family.plan()
        baby = NewBaby(given_names="Isla", family_name="Marsh", date_of_birth=DUE, sex=Sex.FEMALE)
        with pytest.raises(NotFound):
            record_birth(uow, actor(uow, world, "teacher-oakfield"), plan_id=plan.id, baby=baby)
        social_worker = actor(uow, world, "social-worker")
        record_birth(uow, social_worker, plan_id=plan.id, baby=baby)
        with pytest.raises(Conflict):
            record_birth(uow, social_worker, plan_id=plan.id, baby=baby)
        with pytest.raises(NotFound):
            record_birth(uow, social_worker, plan_id=uuid.uuid4(), baby=baby)

    def test_a_baby_the_social_worker_cannot_open_is_not_found(
        self, uow: UnitOfWork, world: DemoWorld, family: Family
    ) -> None:
        plan = family.plan()
        with uow:
            stranger = add_child(uow.session, given="Isla", family="Marsh", born=DUE)
            uow.commit()
        with pytest.raises(NotFound):
            record_birth(
                uow, actor(uow, world, "social-worker"), plan_id=plan.id, child_id=stranger
            )
        with uow:
            still = uow.session.get(ChildFlag, plan.id)
            assert still is not None
            assert still.expectant_parent_id == family.mother

    def test_say_who_the_baby_is(self, uow: UnitOfWork, world: DemoWorld, family: Family) -> None:
        plan = family.plan()
        social_worker = actor(uow, world, "social-worker")
        with pytest.raises(Invalid):
            record_birth(uow, social_worker, plan_id=plan.id)
        mistyped = NewBaby(
            given_names="Isla",
            family_name="Marsh",
            date_of_birth=DUE,
            sex=Sex.FEMALE,
            nhs_number="1234567890",
        )
        with pytest.raises(Invalid) as refused:
            record_birth(uow, social_worker, plan_id=plan.id, baby=mistyped)
        assert set(refused.value.errors) == {"nhs_number"}


class TestThroughTheApi:
    """The council's case management system records the plan, then the birth."""

    def test_a_plan_then_the_birth(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, family: Family
    ) -> None:
        council = bearer(uow, world, "la", Permission.CHILD_READ)
        recorded = client.post("/api/v1/unborn-plans", headers=council, json={
            "expectant_parent_id": str(family.mother), "due_on": DUE.isoformat(),
            "started_on": STARTED.isoformat(), "category": "NEG",
        })  # fmt: skip
        assert recorded.status_code == 201
        plan = recorded.json()
        assert plan["expectant_parent_id"] == str(family.mother)
        assert plan["child_id"] is None
        born = client.post(f"/api/v1/unborn-plans/{plan['id']}/birth", headers=council, json={
            "given_names": "Ava", "family_name": "Marsh", "date_of_birth": DUE.isoformat(),
            "sex": "female",
        })  # fmt: skip
        assert born.status_code == 200
        moved = born.json()
        assert moved["expectant_parent_id"] is None
        baby = uuid.UUID(moved["child_id"])
        with uow:
            assert uow.session.get(Child, baby) is not None
        again = client.post(f"/api/v1/unborn-plans/{plan['id']}/birth", headers=council,
                            json={"child_id": str(baby)})  # fmt: skip
        assert again.status_code == 409

    def test_a_school_system_cannot_record_one(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, family: Family
    ) -> None:
        school = bearer(uow, world, "school-1", Permission.CHILD_READ)
        refused = client.post("/api/v1/unborn-plans", headers=school, json={
            "expectant_parent_id": str(family.mother), "due_on": DUE.isoformat(),
            "started_on": STARTED.isoformat(),
        })  # fmt: skip
        assert refused.status_code == 404
        with uow:
            held = uow.session.scalars(
                select(ChildFlag).where(ChildFlag.expectant_parent_id == family.mother)
            ).all()
        assert held == []
