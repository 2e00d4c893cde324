"""The child's identity page: everything the index knows of who the child is, and who works
with them, in a fixed number of queries; a merged-away record leads to the kept one."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select

from jigsaw.access.models import InvolvementRole
from jigsaw.children import merge_children, record_unborn_plan, services
from jigsaw.children.models import (
    AbuseCategory,
    ChildAddress,
    ChildFlag,
    ChildName,
    ChildRelationship,
    FlagKind,
    NameKind,
)
from jigsaw.children.queries import MergedRecord
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from tests.children.helpers import actor, add_address, add_child, add_parent, nhs_number
from tests.demo_world import DemoWorld, bearer, load_world, sign_in


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=20)


@pytest.fixture
def child(uow: UnitOfWork, world: DemoWorld) -> uuid.UUID:
    """A pupil of the teacher's class with names over time, identifiers from three issuers,
    two homes, a GP, a child protection plan and an unborn brother or sister on a plan."""
    school, police, gp = (world.id(f"org:{key}") for key in ("school-1", "police", "gp-1"))
    with uow:
        session = uow.session
        old_home = add_address(session, line1="4 Canal Street", postcode="EM2 3CD")
        home = add_address(session, line1="12 Rowan Close", postcode="EM1 4AB")
        child_id = add_child(
            session,
            given="Olivia",
            family="Marsh",
            born=date(2016, 3, 27),
            nhs_number=nhs_number(1),
            upn=("A123456789012", school),
            local_ids=(("MP-0042", police),),
            address_id=home,
            involved=(
                (school, world.id("persona:teacher-oakfield"), InvolvementRole.CLASS_TEACHER),
                (gp, None, InvolvementRole.REGISTERED_GP),
            ),
        )
        session.add_all(
            [
                ChildName(
                    id=uuid.uuid4(),
                    child_id=child_id,
                    kind=NameKind.PREFERRED,
                    given_names="Liv",
                    family_name="Marsh",
                ),
                ChildName(
                    id=uuid.uuid4(),
                    child_id=child_id,
                    kind=NameKind.PREVIOUS,
                    given_names="Olivia",
                    family_name="Dunn",
                    valid_from=date(2016, 3, 27),
                    valid_to=date(2019, 8, 31),
                ),
                ChildAddress(
                    id=uuid.uuid4(),
                    child_id=child_id,
                    address_id=old_home,
                    valid_from=date(2016, 3, 27),
                    valid_to=date(2020, 1, 31),
                ),
                ChildFlag(
                    id=uuid.uuid4(),
                    child_id=child_id,
                    kind=FlagKind.CHILD_PROTECTION_PLAN,
                    category=AbuseCategory.NEGLECT,
                    recorded_by_id=world.id("org:la"),
                    started_on=date(2025, 11, 3),
                ),
            ]
        )
        add_parent(session, [child_id], nhs_number=nhs_number(2), address_id=home)
        uow.commit()
    return child_id


def test_the_record_shows_who_the_child_is_and_who_works_with_them(
    uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
) -> None:
    record = services.open_child_record(uow, actor(uow, world, "teacher-oakfield"), child_id=child)
    assert [(n.kind, n.given_names, n.family_name) for n in record.names] == [
        ("legal", "Olivia", "Marsh"),
        ("preferred", "Liv", "Marsh"),
        ("previous", "Olivia", "Dunn"),
    ]
    shown = [(i.scheme, i.shown, i.issuer) for i in record.identifiers]
    number = nhs_number(1)
    assert shown == [
        ("nhs_number", f"{number[:3]} {number[3:6]} {number[6:]}", None),
        ("upn", "A123456789012", "Oakfield Primary School"),
        ("local", "MP-0042", "Moorshire Police"),
    ]
    assert [address.postcode for _lived, address in record.addresses] == ["EM1 4AB", "EM2 3CD"]
    assert {(i.organisation, i.practitioner, i.role) for i in record.involvements} == {
        ("Oakfield Primary School", "Tom Bradley (Year 4 Class Teacher)", "class_teacher"),
        ("Riverside Medical Practice", None, "registered_gp"),
    }
    assert [(f.kind, f.category) for f in record.flags] == [("child_protection_plan", "NEG")]
    assert [r.kind for r in record.family] == ["parent"]


def test_the_page_shows_identity_involvements_and_an_unborn_siblings_plan(
    uow: UnitOfWork, world: DemoWorld, child: uuid.UUID, client: TestClient
) -> None:
    _plan_for_the_parent_of(uow, world, child)
    sign_in(client, world, "teacher-oakfield")
    page = client.get(f"/children/{child}")
    assert page.status_code == 200
    number = nhs_number(1)
    for text in (
        f"{number[:3]} {number[3:6]} {number[6:]}",
        'A123456789012 <span class="govuk-hint govuk-!-display-inline">(Oakfield Primary School)',
        "Liv Marsh",
        "Previous name",
        "Olivia Dunn",
        "from March 2016 until August 2019",
        "Class teacher: Oakfield Primary School, Tom Bradley (Year 4 Class Teacher)",
        "Registered GP practice: Riverside Medical Practice",
        "Child protection plan: neglect since 3 November 2025",
        "Unborn sibling: child protection plan (emotional abuse) from 2 February 2026, "
        "due 20 July 2026",
        "4 Canal Street",
        "until January 2020",
    ):
        assert text in page.text, text


def test_the_api_gives_the_same_record(
    uow: UnitOfWork, world: DemoWorld, child: uuid.UUID, client: TestClient
) -> None:
    _plan_for_the_parent_of(uow, world, child)
    read = client.get(
        f"/api/v1/children/{child}", headers=bearer(uow, world, "school-1", "child:read")
    )
    assert read.status_code == 200
    body = read.json()
    assert [i["issuer"] for i in body["identifiers"]] == [
        None,
        "Oakfield Primary School",
        "Moorshire Police",
    ]
    assert {(i["organisation"], i["practitioner"]) for i in body["involvements"]} == {
        ("Oakfield Primary School", "Tom Bradley (Year 4 Class Teacher)"),
        ("Riverside Medical Practice", None),
    }
    assert body["names"][2] == {
        "kind": "previous",
        "given_names": "Olivia",
        "family_name": "Dunn",
        "valid_from": "2016-03-27",
        "valid_to": "2019-08-31",
    }
    assert [a["postcode"] for a in body["addresses"]] == ["EM1 4AB", "EM2 3CD"]
    assert body["unborn_sibling_plans"] == [
        {
            "parent_name": "Kerry Marsh",
            "category": "EMO",
            "started_on": "2026-02-02",
            "due_on": "2026-07-20",
            "recorded_by": "Eastmoor Council Children's Services",
        }
    ]
    assert body["family"][0]["kind"] == "parent"


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_opening_a_record_costs_the_same_queries_however_much_it_holds(
    uow: UnitOfWork, world: DemoWorld, child: uuid.UUID, engine: Engine
) -> None:
    _plan_for_the_parent_of(uow, world, child)
    school = world.id("org:school-1")
    with uow:
        small = add_child(
            uow.session,
            given="Amy",
            family="Reed",
            born=date(2016, 1, 2),
            upn=("B123456789012", school),
            involved=(
                (school, world.id("persona:teacher-oakfield"), InvolvementRole.CLASS_TEACHER),
            ),
        )
        uow.commit()
    teacher = actor(uow, world, "teacher-oakfield")
    with counting(engine) as big_record:
        services.open_child_record(uow, teacher, child_id=child)
    with counting(engine) as small_record:
        services.open_child_record(uow, teacher, child_id=small)
    assert len(big_record) == len(small_record)


def test_a_merged_record_leads_to_the_kept_one_for_those_who_may_open_it(
    uow: UnitOfWork, world: DemoWorld, child: uuid.UUID, client: TestClient
) -> None:
    with uow:
        duplicate = add_child(uow.session, given="Olivia", family="Marsh", born=date(2016, 3, 27))
        uow.commit()
    merge_children(
        uow,
        actor(uow, world, "mash-manager"),
        kept_id=child,
        merged_id=duplicate,
        reason="Same child: the GP and the school spell nothing differently",
    )
    with pytest.raises(MergedRecord) as merged:
        services.open_child_record(uow, actor(uow, world, "teacher-oakfield"), child_id=duplicate)
    assert merged.value.kept_id == child
    with pytest.raises(NotFound):
        services.open_child_record(uow, actor(uow, world, "police-officer"), child_id=duplicate)

    sign_in(client, world, "teacher-oakfield")
    page = client.get(f"/children/{duplicate}")
    assert page.status_code == 303
    assert page.headers["location"] == f"/children/{child}"
    school = bearer(uow, world, "school-1", "child:read")
    api = client.get(f"/api/v1/children/{duplicate}", headers=school)
    assert api.status_code == 307
    assert api.headers["location"] == f"/api/v1/children/{child}"
    police = bearer(uow, world, "police", "child:read")
    assert client.get(f"/api/v1/children/{duplicate}", headers=police).status_code == 404


def _plan_for_the_parent_of(uow: UnitOfWork, world: DemoWorld, child: uuid.UUID) -> None:
    record = services.open_child_record(uow, actor(uow, world, "teacher-oakfield"), child_id=child)
    assert record.unborn_sibling_plans == []
    with uow:
        parent = uow.session.scalars(
            select(ChildRelationship.adult_id).where(ChildRelationship.child_id == child)
        ).one()
    assert parent is not None
    record_unborn_plan(
        uow,
        actor(uow, world, "social-worker"),
        expectant_parent_id=parent,
        due_on=date(2026, 7, 20),
        started_on=date(2026, 2, 2),
        category=AbuseCategory.EMOTIONAL,
    )
