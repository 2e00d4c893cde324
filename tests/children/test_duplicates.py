"""Duplicates: found among children sharing a blocking key, queued once, decided by a person."""

import re
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from jigsaw import migrations
from jigsaw.access.actor import Actor
from jigsaw.access.models import Restriction, RestrictionReason
from jigsaw.audit.models import AuditEvent
from jigsaw.children import find_duplicates
from jigsaw.children.duplicates import SIBLING_NOTE
from jigsaw.children.models import Child, ChildMerge, DuplicateReview, ReviewStatus, Sex
from jigsaw.children.reviews import (
    dismiss_duplicate,
    list_duplicates,
    merge_duplicate,
    open_duplicate,
)
from jigsaw.cli import app as cli
from jigsaw.config import get_settings
from jigsaw.core import clock
from jigsaw.core.db import make_session_factory
from jigsaw.core.errors import Conflict, NotFound, PermissionDenied
from jigsaw.core.uow import UnitOfWork
from jigsaw.jobs import JOBS, Worker
from jigsaw.matching.model import TWIN_RULE
from tests.children.helpers import actor, add_address, add_child, nhs_number
from tests.demo_world import DemoWorld, bearer, form_token, load_world, sign_in

SYSTEM = Actor.system("test:find-duplicates")
REASON = "Same child: the police misspelt the surname and used a nickname"


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=20)


class Index:
    """A few children as agencies recorded them: one child twice, twins, and others."""

    def __init__(self, uow: UnitOfWork) -> None:
        with uow:
            s = uow.session
            home = add_address(s, line1="3 Fern Road", postcode="EM5 1AB")
            flat = add_address(s, line1="Flat 2, 8 Quay Street", postcode="EM7 4XY")
            self.jacob = add_child(
                s,
                given="Jacob",
                family="Smith",
                born=date(2015, 6, 1),
                sex=Sex.MALE,
                address_id=home,
            )
            self.jake = add_child(
                s,
                given="Jake",
                family="Smyth",
                born=date(2015, 6, 1),
                sex=Sex.MALE,
                address_id=home,
            )
            self.amelia = add_child(
                s, given="Amelia", family="Jones", born=date(2017, 2, 3), address_id=flat
            )
            self.grace = add_child(
                s, given="Grace", family="Jones", born=date(2017, 2, 3), address_id=flat
            )
            self.oscar = add_child(
                s,
                given="Oscar",
                family="Lee",
                born=date(2013, 8, 8),
                sex=Sex.MALE,
                nhs_number=nhs_number(21),
            )
            self.other_oscar = add_child(
                s,
                given="Oscar",
                family="Lee",
                born=date(2013, 8, 8),
                sex=Sex.MALE,
                nhs_number=nhs_number(22),
            )
            self.harry = add_child(
                s,
                given="Harry",
                family="Patel",
                born=date(2014, 1, 9),
                sex=Sex.MALE,
                nhs_number=nhs_number(23),
            )
            self.hidden_harry = add_child(
                s,
                given="Harry",
                family="Patel",
                born=date(2014, 1, 9),
                sex=Sex.MALE,
                nhs_number=nhs_number(23),
            )
            s.add(
                Restriction(
                    child_id=self.hidden_harry,
                    reason=RestrictionReason.ADOPTION,
                    created_at=clock.now(),
                )
            )
            uow.commit()

    @staticmethod
    def pair(first: uuid.UUID, second: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
        return (first, second) if first < second else (second, first)


@pytest.fixture
def index(uow: UnitOfWork, world: DemoWorld) -> Index:
    del world  # organisations and personas first
    return Index(uow)


def queued(uow: UnitOfWork) -> dict[tuple[uuid.UUID, uuid.UUID], DuplicateReview]:
    with uow:
        return {
            (r.child_id, r.other_child_id): r for r in uow.session.scalars(select(DuplicateReview))
        }


class TestFindDuplicates:
    def test_one_child_recorded_twice_and_twins_are_queued_and_nothing_is_merged(
        self, uow: UnitOfWork, index: Index
    ) -> None:
        result = find_duplicates(uow, SYSTEM)
        found = queued(uow)
        assert result.queued == len(found)
        same = found[index.pair(index.jacob, index.jake)]
        twins = found[index.pair(index.amelia, index.grace)]
        assert same.status is ReviewStatus.OPEN
        assert same.probability >= 0.85
        assert {e["field"] for e in same.evidence} >= {"given_name", "family_name"}
        assert (same.probability >= 0.95, same.rule) == (True, SIBLING_NOTE)
        assert twins.rule == TWIN_RULE
        for first, second in found:
            assert first < second
        mine = {index.oscar, index.other_oscar, index.harry, index.hidden_harry}
        assert not any(mine & set(pair) for pair in found)
        with uow:
            assert (
                uow.session.scalars(select(Child).where(Child.merged_into_id.is_not(None))).all()
                == []
            )
            logged = set(
                uow.session.scalars(
                    select(AuditEvent.subject_id).where(
                        AuditEvent.action == "duplicate_review:queued"
                    )
                )
            )
        assert logged == {r.id for r in found.values()}

    def test_a_pair_is_queued_once_and_never_again_once_decided(
        self, uow: UnitOfWork, world: DemoWorld, index: Index
    ) -> None:
        find_duplicates(uow, SYSTEM)
        assert find_duplicates(uow, SYSTEM).queued == 0
        twins = queued(uow)[index.pair(index.amelia, index.grace)]
        dismiss_duplicate(uow, actor(uow, world, "mash-manager"), review_id=twins.id)
        assert find_duplicates(uow, SYSTEM).queued == 0
        assert (
            queued(uow)[index.pair(index.amelia, index.grace)].status is ReviewStatus.NOT_DUPLICATE
        )

    def test_progress_counts_every_indexed_child(self, uow: UnitOfWork, index: Index) -> None:
        del index
        told: list[tuple[int, int]] = []
        result = find_duplicates(
            uow, SYSTEM, progress=lambda done, total: told.append((done, total))
        )
        assert sum(done for done, _total in told) == result.children
        assert {total for _done, total in told} == {result.children}

    def test_only_jigsaw_and_those_who_merge_look_for_duplicates(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        with pytest.raises(PermissionDenied):
            find_duplicates(uow, actor(uow, world, "social-worker"))
        find_duplicates(uow, actor(uow, world, "mash-manager"))

    def test_the_nightly_job_finds_them(
        self, uow: UnitOfWork, index: Index, session_factory: object, settings: object
    ) -> None:
        worker = Worker(JOBS, session_factory, settings)  # type: ignore[arg-type]
        assert "find duplicate children" in worker.run_due()
        assert index.pair(index.jacob, index.jake) in queued(uow)


class TestTheQueue:
    def test_the_manager_compares_and_merges(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, index: Index
    ) -> None:
        find_duplicates(uow, SYSTEM)
        review = queued(uow)[index.pair(index.jacob, index.jake)]
        sign_in(client, world, "mash-manager")
        queue = client.get("/children/duplicates")
        assert queue.status_code == 200
        assert f"/children/duplicates/{review.id}" in queue.text
        assert "Jacob Smith" in queue.text
        assert "Harry Patel" not in queue.text
        page = client.get(f"/children/duplicates/{review.id}")
        assert page.status_code == 200
        for text in (
            "Jacob Smith",
            "Jake Smyth",
            "Given name: known nickname (",
            "Weight",
            "Which record do you keep?",
            "Not the same child",
        ):
            assert text in page.text, text
        token = form_token(client, f"/children/duplicates/{review.id}")
        refused = client.post(
            f"/children/duplicates/{review.id}/merge",
            data={"keep": str(index.jacob), "reason": "", "csrf_token": token},
        )
        assert refused.status_code == 422
        assert "Say why these records are the same child" in refused.text
        unchosen = client.post(
            f"/children/duplicates/{review.id}/merge", data={"reason": "", "csrf_token": token}
        )
        assert unchosen.status_code == 422
        assert 'href="#keep">Choose which record to keep' in unchosen.text
        assert 'href="#reason">Say why' in unchosen.text
        merged = client.post(
            f"/children/duplicates/{review.id}/merge",
            data={"keep": str(index.jacob), "reason": REASON, "csrf_token": token},
        )
        assert merged.status_code == 303
        assert merged.headers["location"] == "/children/duplicates"
        with uow:
            child = uow.session.get(Child, index.jake)
            assert child is not None
            assert child.merged_into_id == index.jacob
            merge = uow.session.scalars(
                select(ChildMerge).where(ChildMerge.merged_id == index.jake)
            ).one()
        assert queued(uow)[index.pair(index.jacob, index.jake)].status is ReviewStatus.MERGED
        assert "Undo merge" in client.get("/children/duplicates").text
        assert client.get(f"/children/duplicates/{review.id}").status_code == 409

        undone = client.post(f"/children/merges/{merge.id}/unmerge", data={"csrf_token": token})
        assert undone.status_code == 303
        with uow:
            child = uow.session.get(Child, index.jake)
            assert child is not None
            assert child.merged_into_id is None
        assert queued(uow)[index.pair(index.jacob, index.jake)].status is ReviewStatus.NOT_DUPLICATE

    def test_not_the_same_child(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, index: Index
    ) -> None:
        find_duplicates(uow, SYSTEM)
        twins = queued(uow)[index.pair(index.amelia, index.grace)]
        sign_in(client, world, "mash-manager")
        assert f"/children/duplicates/{twins.id}" in client.get("/children/duplicates").text
        page = client.get(f"/children/duplicates/{twins.id}")
        assert "could be a twin" in page.text
        token = form_token(client, f"/children/duplicates/{twins.id}")
        answer = client.post(
            f"/children/duplicates/{twins.id}/not-duplicate", data={"csrf_token": token}
        )
        assert answer.status_code == 303
        assert (
            queued(uow)[index.pair(index.amelia, index.grace)].status is ReviewStatus.NOT_DUPLICATE
        )
        assert f"/children/duplicates/{twins.id}" not in client.get("/children/duplicates").text
        with uow:
            actions = set(
                uow.session.scalars(
                    select(AuditEvent.action).where(
                        AuditEvent.child_id.in_([index.amelia, index.grace])
                    )
                )
            )
        assert {"child:listed_as_duplicate", "child:compared"} <= actions

    def test_others_cannot_see_the_queue(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, index: Index
    ) -> None:
        find_duplicates(uow, SYSTEM)
        review = queued(uow)[index.pair(index.jacob, index.jake)]
        sign_in(client, world, "social-worker")
        assert client.get("/children/duplicates").status_code == 403
        assert client.get(f"/children/duplicates/{review.id}").status_code == 403

    def test_a_restricted_child_is_not_shown_even_if_queued_before_the_restriction(
        self, uow: UnitOfWork, world: DemoWorld, index: Index
    ) -> None:
        find_duplicates(uow, SYSTEM)
        review = queued(uow)[index.pair(index.jacob, index.jake)]
        with uow:
            uow.session.add(
                Restriction(
                    child_id=index.jake, reason=RestrictionReason.OTHER, created_at=clock.now()
                )
            )
            uow.commit()
        manager = actor(uow, world, "mash-manager")
        assert review.id not in {p.review.id for p in list_duplicates(uow, manager)}
        with pytest.raises(NotFound):
            open_duplicate(uow, manager, review_id=review.id)


class TestTheApi:
    def test_a_system_allowed_to_merge_does_what_the_pages_do(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, index: Index
    ) -> None:
        find_duplicates(uow, SYSTEM)
        review = queued(uow)[index.pair(index.jacob, index.jake)]
        headers = bearer(uow, world, "mash", "child:read", "child:merge")
        listed = client.get("/api/v1/children/duplicates", headers=headers)
        assert listed.status_code == 200
        assert str(review.id) in {p["review_id"] for p in listed.json()}
        case = client.get(f"/api/v1/children/duplicates/{review.id}", headers=headers).json()
        assert {case["first"]["child_id"], case["second"]["child_id"]} == {
            str(index.jacob),
            str(index.jake),
        }
        assert any("nickname" in e["text"] for e in case["explanation"])
        refused = client.post(
            f"/api/v1/children/duplicates/{review.id}/merge",
            headers=headers,
            json={"keep": str(index.jake), "reason": "same"},
        )
        assert refused.status_code == 422
        merged = client.post(
            f"/api/v1/children/duplicates/{review.id}/merge",
            headers=headers,
            json={"keep": str(index.jake), "reason": REASON},
        )
        assert merged.status_code == 200
        assert merged.json()["kept_id"] == str(index.jake)
        undone = client.post(
            f"/api/v1/children/merges/{merged.json()['id']}/unmerge", headers=headers
        )
        assert undone.status_code == 200
        assert undone.json()["unmerged_at"] is not None
        twins = queued(uow)[index.pair(index.amelia, index.grace)]
        dismissed = client.post(
            f"/api/v1/children/duplicates/{twins.id}/not-duplicate", headers=headers
        )
        assert dismissed.json() == {"review_id": str(twins.id), "status": "not_duplicate"}
        reader = bearer(uow, world, "mash", "child:read")
        assert client.get("/api/v1/children/duplicates", headers=reader).status_code == 403


def test_a_review_decided_cannot_be_decided_again(
    uow: UnitOfWork, world: DemoWorld, index: Index
) -> None:
    find_duplicates(uow, SYSTEM)
    review = queued(uow)[index.pair(index.jacob, index.jake)]
    manager = actor(uow, world, "mash-manager")
    dismiss_duplicate(uow, manager, review_id=review.id)
    with pytest.raises(Conflict):
        merge_duplicate(uow, manager, review_id=review.id, keep_id=index.jacob, reason=REASON)


runner = CliRunner()


@pytest.fixture
def committed(
    empty_database: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """A database of its own, migrated, that the command opens through the settings."""
    migrations.upgrade(empty_database)
    monkeypatch.setenv("JIGSAW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("JIGSAW_DATABASE_URL", empty_database.url.render_as_string(False))
    get_settings.cache_clear()
    yield empty_database
    get_settings.cache_clear()


def test_the_command_queues_them_with_a_progress_bar(committed: Engine) -> None:
    Index(UnitOfWork(make_session_factory(committed)))
    result = runner.invoke(cli, ["children", "find-duplicates"])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"Compared 8 children \(\d+ pairs sharing a key\): 2 likely duplicates", result.output
    )
    again = runner.invoke(cli, ["children", "find-duplicates"])
    assert "0 likely duplicates queued" in again.output


def test_twins_are_merged_only_when_a_person_says_they_are_one_child(
    uow: UnitOfWork, world: DemoWorld, index: Index
) -> None:
    find_duplicates(uow, SYSTEM)
    twins = queued(uow)[index.pair(index.amelia, index.grace)]
    assert (twins.rule, twins.status) == (TWIN_RULE, ReviewStatus.OPEN)
    with uow:
        grace = uow.session.get(Child, index.grace)
        assert grace is not None
        assert grace.merged_into_id is None
    merge = merge_duplicate(
        uow,
        actor(uow, world, "mash-manager"),
        review_id=twins.id,
        keep_id=index.amelia,
        reason="One child: the school recorded her middle name as her first name",
    )
    assert (merge.kept_id, merge.merged_id) == (index.amelia, index.grace)
