"""Finding a child: misspelt, nicknamed, dates mixed up — and what each reader may see."""

import json
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw import children
from jigsaw.access.actor import Actor
from jigsaw.accounts import User
from jigsaw.accounts import services as accounts
from jigsaw.audit.models import AuditEvent
from jigsaw.children.schemas import ChildSearchForm
from jigsaw.children.search import matching_model
from jigsaw.config import get_settings
from jigsaw.core.errors import Invalid
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import DemoChild
from jigsaw.matching import Band, PersonRecord
from jigsaw.matching.nicknames import variants_of
from tests.demo_world import DemoWorld, form_token, load_world, sign_in


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=300)  # enough for a full class with some nicknames


def actor(uow: UnitOfWork, world: DemoWorld, persona: str) -> Actor:
    with uow:
        user = uow.session.get(User, world.id(f"persona:{persona}"))
        assert user is not None
        return accounts.user_actor(user)


def pupil_with_a_nickname(world: DemoWorld) -> tuple[DemoChild, str]:
    """A child in the teacher's class whose first name has a known short form."""
    restricted = {r.child_key for r in world.partnership.casework.restrictions}
    class_keys = {
        i.child_key for i in world.partnership.casework.involvements if i.role == "class_teacher"
    }
    for child in world.partnership.children:
        first = child.given_names.split()[0]
        variants = sorted(v for v in variants_of(first) if v.lower() != first.lower())
        if child.key in class_keys and child.key not in restricted and variants:
            return child, variants[0].capitalize()
    pytest.skip("no pupil with a nickname in this small partnership")


def transposed(born: date) -> date:
    return (
        date(born.year, born.day, born.month) if born.day <= 12 and born.day != born.month else born
    )


def test_a_misspelt_nickname_and_a_transposed_birth_date_still_find_the_child(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    child, nickname = pupil_with_a_nickname(world)
    query = PersonRecord(
        given_names=nickname,
        family_name=child.family_name,
        date_of_birth=transposed(child.date_of_birth),
    )
    results = children.find_children(uow, actor(uow, world, "teacher-oakfield"), query=query)
    found = next(r for r in results if r.child_id == world.id(child.key))
    assert found.match.band in {Band.MATCH, Band.POSSIBLE}
    assert found.may_open
    assert any("nickname" in e.text for e in found.match.explanation)


def test_someone_without_a_relationship_sees_only_a_preview(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    child, _ = pupil_with_a_nickname(world)
    query = PersonRecord(
        given_names=child.given_names,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
    )
    results = children.find_children(uow, actor(uow, world, "police-officer"), query=query)
    found = next(r for r in results if r.child_id == world.id(child.key))
    assert not found.may_open
    assert found.year_of_birth == child.date_of_birth.year
    assert "Oakfield Primary School" in found.agencies
    with uow:
        shown = uow.session.scalars(
            select(AuditEvent.child_id).where(AuditEvent.action == "child:found_in_search")
        ).all()
    assert world.id(child.key) in shown


def test_a_restricted_child_never_appears_to_others(uow: UnitOfWork, world: DemoWorld) -> None:
    [restriction] = world.partnership.casework.restrictions
    child = next(c for c in world.partnership.children if c.key == restriction.child_key)
    query = PersonRecord(
        given_names=child.given_names,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        nhs_number=child.nhs_number,
    )
    for persona in ("police-officer", "gp-riverside", "mash-manager"):
        results = children.find_children(uow, actor(uow, world, persona), query=query)
        assert world.id(child.key) not in {r.child_id for r in results}
    named = children.find_children(uow, actor(uow, world, "social-worker"), query=query)
    assert world.id(child.key) in {r.child_id for r in named}


def test_a_conflicting_nhs_number_is_never_a_match(uow: UnitOfWork, world: DemoWorld) -> None:
    child, _ = pupil_with_a_nickname(world)
    other = next(c for c in world.partnership.children if c.nhs_number != child.nhs_number)
    query = PersonRecord(
        given_names=child.given_names,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        nhs_number=other.nhs_number,
    )
    results = children.find_children(uow, actor(uow, world, "teacher-oakfield"), query=query)
    assert world.id(child.key) not in {r.child_id for r in results}


class TestSearchPage:
    def test_the_page_finds_and_explains(self, client: TestClient, world: DemoWorld) -> None:
        child, nickname = pupil_with_a_nickname(world)
        sign_in(client, world, "teacher-oakfield")
        born = transposed(child.date_of_birth)
        token = form_token(client, "/children/search")
        page = client.post(
            "/children/search",
            data={
                "given_names": nickname,
                "family_name": child.family_name,
                "day": born.day,
                "month": born.month,
                "year": born.year,
                "csrf_token": token,
            },
        )
        assert page.status_code == 200
        assert f"/children/{world.id(child.key)}" in page.text
        assert "Why this is a match" in page.text

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Enter a name, an NHS number, a unique pupil number or your id"),
            (
                {"family_name": "Smith", "day": "31", "month": "2", "year": "2015"},
                "must be a real date",
            ),
            ({"nhs_number": "999 123 4560"}, "valid check digit"),
        ],
    )
    def test_bad_searches_say_what_to_fix(
        self, client: TestClient, world: DemoWorld, data: dict[str, str], message: str
    ) -> None:
        sign_in(client, world, "teacher-oakfield")
        token = form_token(client, "/children/search")
        page = client.post("/children/search", data={**data, "csrf_token": token})
        assert page.status_code == 422
        assert message in page.text


def test_the_form_refuses_nothing_to_search_by() -> None:
    with pytest.raises(Invalid):
        ChildSearchForm().to_query()


class TestDeclaringAnInvolvement:
    def test_a_practitioner_who_now_works_with_a_child_declares_it_and_opens_the_record(
        self, client: TestClient, world: DemoWorld, uow: UnitOfWork
    ) -> None:
        child, _ = pupil_with_a_nickname(world)
        child_id = world.id(child.key)
        sign_in(client, world, "police-officer")
        assert client.get(f"/children/{child_id}").status_code == 404
        token = form_token(client, f"/children/{child_id}/declare-involvement")
        short = client.post(
            f"/children/{child_id}/declare-involvement",
            data={"role": "police_officer_in_case", "reason": "case", "csrf_token": token},
        )
        assert short.status_code == 422
        declared = client.post(
            f"/children/{child_id}/declare-involvement",
            data={
                "role": "police_officer_in_case",
                "csrf_token": token,
                "reason": "Officer in the case after a domestic incident at the home on Friday.",
            },
        )
        assert declared.status_code == 303
        assert client.get(f"/children/{child_id}").status_code == 200
        with uow:
            entry = uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "involvement:declared")
            ).one()
        assert entry.child_id == child_id
        assert entry.basis == "relationship"

    def test_no_one_declares_their_way_into_a_restricted_child(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        [restriction] = world.partnership.casework.restrictions
        child_id = world.id(restriction.child_key)
        sign_in(client, world, "police-officer")
        token = form_token(client, f"/children/{child_id}/declare-involvement")
        refused = client.post(
            f"/children/{child_id}/declare-involvement",
            data={
                "role": "police_officer_in_case",
                "csrf_token": token,
                "reason": "Officer in the case after a domestic incident at the home on Friday.",
            },
        )
        assert refused.status_code == 404


def test_searches_score_with_the_model_file_the_settings_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An operator who trained a model on their own index points JIGSAW_MATCHING_MODEL at it.
    packaged = resources.files("jigsaw.matching").joinpath("data", "default_model.json")
    trained = json.loads(packaged.read_text("utf-8"))
    trained["description"] = "trained on this partnership's index"
    path = tmp_path / "model.json"
    path.write_text(json.dumps(trained), encoding="utf-8")
    monkeypatch.setenv("JIGSAW_MATCHING_MODEL", str(path))
    get_settings.cache_clear()
    matching_model.cache_clear()
    try:
        assert matching_model().description == "trained on this partnership's index"
    finally:
        monkeypatch.delenv("JIGSAW_MATCHING_MODEL")
        get_settings.cache_clear()
        matching_model.cache_clear()
    assert matching_model().description != "trained on this partnership's index"


def test_your_own_id_for_a_child_finds_them_and_no_one_else_s_does(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    # The council's social worker has only the case number from their own system.
    restricted = {r.child_key for r in world.partnership.casework.restrictions}
    worker = next(p for p in world.partnership.personas if p.key == "persona:social-worker")
    local = next(
        i for i in world.partnership.local_identifiers
        if i.organisation_key == worker.organisation_key and i.child_key not in restricted
    )  # fmt: skip
    form = ChildSearchForm(local_id=f" {local.value} ")
    results = children.find_children(uow, actor(uow, world, "social-worker"), query=form.to_query())
    assert [r.child_id for r in results] == [world.id(local.child_key)]
    assert results[0].match.band is Band.MATCH
    assert results[0].match.rule == "your organisation's own id for this child"
    assert "your organisation's id: same" in [e.text for e in results[0].match.explanation]
    # The same characters mean nothing coming from another organisation.
    teacher = actor(uow, world, "teacher-oakfield")
    assert children.find_children(uow, teacher, query=form.to_query()) == []
