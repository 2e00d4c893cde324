"""A training space: marked on every page, run by its facilitator, and live access rules
inside it (the school sees nothing of the police's until the police share)."""

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.accounts import services as accounts
from jigsaw.audit.models import AuditEvent
from jigsaw.config import Settings
from jigsaw.core.uow import UnitOfWork
from jigsaw.training.partnership import ScenarioIds
from jigsaw.web.app import create_app
from tests.demo_world import DemoWorld, form_token
from tests.training.helpers import (
    DA_WORDS,
    KEY,
    NAME,
    SHARED_WORDS,
    kayla,
    load_space,
    police_share_with_school,
    signed_in,
)

BANNER = f"Training — not live data:</strong> {NAME}"
TITLE = re.compile(r"<title>Training: [^<]+</title>")


@pytest.fixture
def world(uow: UnitOfWork, settings: Settings) -> DemoWorld:
    return load_space(uow, secret_key=settings.secret("secret_key"))


@pytest.fixture
def space_app(
    world: DemoWorld,
    settings: Settings,
    engine: Engine,
    session_factory: sessionmaker[Session],
) -> FastAPI:
    """The app started on the (now marked) test database."""
    del world  # loaded first: the app reads the mark when it starts
    return create_app(settings, engine=engine, session_factory=session_factory)


@pytest.fixture
def facilitator(space_app: FastAPI, world: DemoWorld) -> Iterator[TestClient]:
    with signed_in(space_app, world, "facilitator") as client:
        yield client


def marked(response_text: str) -> bool:
    return BANNER in response_text and TITLE.search(response_text) is not None


def advance(client: TestClient, step: int) -> int:
    token = form_token(client, "/training")
    return client.post("/training/advance", data={"step": step, "csrf_token": token}).status_code


def test_every_page_of_a_training_space_says_so(space_app: FastAPI, world: DemoWorld) -> None:
    with signed_in(space_app, world, None) as visitor:
        for path in ("/sign-in", "/", "/no-such-page"):
            assert marked(visitor.get(path, follow_redirects=True).text), path
        assert 'href="/static/training.css' in visitor.get("/sign-in").text
    with signed_in(space_app, world, "school-dsl") as school:
        refused = school.get("/training")  # a participant may not run the scenario
        assert refused.status_code == 403
        assert marked(refused.text)
        assert marked(school.get(f"/children/{kayla()}").text)
        assert 'href="/training/my-part"' in school.get("/").text


def test_a_live_database_has_no_mark_and_no_training_pages(
    client: TestClient, app: FastAPI
) -> None:
    page = client.get("/sign-in").text
    assert "Training" not in page
    assert "training.css" not in page
    assert app.state.training is None


def test_the_school_sees_nothing_of_the_polices_until_the_police_share(
    space_app: FastAPI, world: DemoWorld, facilitator: TestClient, uow: UnitOfWork
) -> None:
    assert advance(facilitator, 0) == 303
    chronology = f"/children/{kayla()}/chronology"
    with signed_in(space_app, world, "police-officer") as police:
        assert DA_WORDS in police.get(chronology).text
    with signed_in(space_app, world, "school-dsl") as school:
        before = school.get(chronology).text
        assert "Hungry" in before or "breakfast club" in before  # the school's own record
        assert DA_WORDS not in before
        assert "Domestic abuse incident" not in before
        assert SHARED_WORDS not in school.get("/shared-with-us", follow_redirects=True).text
        police_share_with_school(uow)
        after = school.get(chronology).text
        assert "Concern shared" in after
        assert "Moorshire Police" in after
        assert DA_WORDS not in after  # what was shared is the concern, not the police record
        inbox = school.get("/shared-with-us").text
        concern = re.search(r'href="(/concerns/[0-9a-f-]+)"', inbox)
        assert concern is not None
        assert SHARED_WORDS in school.get(concern.group(1)).text
    # The GP was not shared with: still nothing of the police's.
    with signed_in(space_app, world, "gp-lead") as gp:
        gp_view = gp.get(chronology).text
        assert DA_WORDS not in gp_view
        assert "Concern shared" not in gp_view


def test_the_facilitator_advances_the_timeline_once_per_press(facilitator: TestClient) -> None:
    start = facilitator.get("/training").text
    assert "Not started: the participants are reading their briefings" in start
    assert "Advance to step 1: Monday morning" in start
    assert marked(start)
    assert advance(facilitator, 0) == 303
    step_one = facilitator.get("/training").text
    assert "Step 1 of 3: Monday morning" in step_one
    police_card = step_one.split("Moorshire Police</h3>")[1].split("</section>")[0]
    assert DA_WORDS in police_card
    assert "Not shared" in police_card
    assert advance(facilitator, 0) == 409  # a second press of the same button
    assert "Step 1 of 3: Monday morning" in facilitator.get("/training").text
    assert advance(facilitator, 1) == 303
    assert advance(facilitator, 2) == 303
    finished = facilitator.get("/training").text
    assert "Step 3 of 3: Friday" in finished
    assert "Show the whole picture" in finished
    assert advance(facilitator, 3) == 409


def test_what_is_shared_shows_beside_what_each_agency_holds(
    facilitator: TestClient, uow: UnitOfWork
) -> None:
    assert advance(facilitator, 0) == 303
    assert "Nobody has shared a concern yet" in facilitator.get("/training").text
    police_share_with_school(uow)
    view = facilitator.get("/training").text
    assert SHARED_WORDS in view
    shared = view.split("What has been shared between them")[1]
    assert "Moorshire Police" in shared
    assert "Oakfield Primary School" in shared
    school_card = view.split("Oakfield Primary School</h3>")[1].split("</section>")[0]
    assert "Shared with Oakfield Primary School" in school_card  # under "Shared with it"


def test_the_whole_picture_comes_at_the_end(
    facilitator: TestClient, session_factory: sessionmaker[Session]
) -> None:
    assert facilitator.get("/training/picture").status_code == 404
    token = form_token(facilitator, "/training")
    early = facilitator.post("/training/picture", data={"csrf_token": token})
    assert early.status_code == 409
    for step in range(3):
        assert advance(facilitator, step) == 303
    token = form_token(facilitator, "/training")
    shown = facilitator.post("/training/picture", data={"csrf_token": token})
    assert shown.status_code == 303
    assert shown.headers["location"] == "/training/picture"
    picture = facilitator.get("/training/picture")
    assert picture.status_code == 200
    assert marked(picture.text)
    assert "The whole picture" in picture.text
    # Every agency's records, the history's and the steps', in one chronology.
    for words in (DA_WORDS, "Catch-up MMR", "no food at home", "Neighbour reported shouting"):
        assert words in picture.text, words
    assert "Only Moorshire Police" in picture.text
    with session_factory() as session:
        viewed = session.scalar(
            select(func.count()).where(
                AuditEvent.action == "training:picture_viewed", AuditEvent.child_id == kayla()
            )
        )
    assert viewed == 1


def test_a_participant_reads_their_own_part_and_only_their_agencys_notes(
    space_app: FastAPI, world: DemoWorld, facilitator: TestClient
) -> None:
    with signed_in(space_app, world, "school-dsl") as school:
        part = school.get("/training/my-part").text
        assert "You are at Oakfield Primary School" in part
        assert "Her mum&#39;s partner, Craig, moved in over the summer" in part
        assert "Nothing yet" not in part
        assert "came in hungry" not in part  # step 1's note, not applied yet
        assert advance(facilitator, 0) == 303
        part = school.get("/training/my-part").text
        assert "came in hungry" in part
        assert "You attended the call-out" not in part  # the police's note
        assert f'href="/children/{kayla()}"' in part
    with signed_in(space_app, world, "police-officer") as police:
        assert "You attended the call-out" in police.get("/training/my-part").text
    assert "You are facilitating this scenario" in facilitator.get("/training/my-part").text


def test_the_api_says_which_training_space_it_is(
    space_app: FastAPI, world: DemoWorld, uow: UnitOfWork
) -> None:
    ids = ScenarioIds(KEY)
    admin = Actor.user(ids.participant("facilitator"), organisation_id=ids.agency("school"),
                       agency_kind=AgencyKind.SCHOOL,
                       roles=frozenset({Role.SYSTEM_ADMIN}))  # fmt: skip
    account = accounts.add_service_account(
        uow, admin, organisation_id=ids.agency("school"), name="School MIS"
    )
    _token, secret = accounts.issue_api_token(
        uow, admin, service_account_id=account.id,
        permissions=frozenset({Permission.SUMMARY_READ}), valid_days=1,
    )  # fmt: skip
    del world
    with TestClient(space_app) as system:
        answer = system.get("/api/v1/training", headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 200
        assert answer.json() == {"training": True, "name": NAME, "scenario": KEY,
                                 "title": "A weekend call-out", "step": 0, "steps": 3}  # fmt: skip
        assert system.get("/api/v1/training").status_code == 401
