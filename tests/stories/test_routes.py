"""The story pages and API through HTTP: tell, be refused, fix, moderate, find, read."""

import re
import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from jigsaw.core.uow import UnitOfWork
from jigsaw.stories import services
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, bearer, form_token, load_world, sign_in
from tests.stories.helpers import TEXT, TITLE, naming_a_child, submitted

FORM = {"title": TITLE, "agencies": ["school", "gp", "mash"], "themes": ["neglect", "early_help"]}


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def post(client: TestClient, path: str, data: dict[str, object], token_page: str) -> Response:
    return client.post(path, data={**data, "csrf_token": form_token(client, token_page)})


def story_id(location: str) -> uuid.UUID:
    match = re.search(r"/stories/([0-9a-f-]{36})", location)
    assert match, location
    return uuid.UUID(match.group(1))


def test_a_story_naming_a_child_comes_back_with_what_the_check_found(
    client: TestClient, world: DemoWorld
) -> None:
    sign_in(client, world, "teacher-oakfield")
    text, given = naming_a_child(world)

    refused = post(client, "/stories", {**FORM, "text": text, "action": "submit"}, "/stories/new")

    assert refused.status_code == 303
    assert refused.headers["location"].endswith("/edit?refused=1")
    page = client.get(refused.headers["location"])
    assert "There is a problem" in page.text
    assert "found 1 thing that could identify someone" in page.text
    assert f"<mark>{given}</mark>" in page.text
    assert "Matches a name in the child index" in page.text
    assert (
        "<title>Error: Change the story \u2013 Jigsaw</title>" in page.text
    )  # no name in the title
    # Fixed, it goes to the moderator.
    edit = refused.headers["location"].removesuffix("?refused=1")
    sent = post(
        client, edit.removesuffix("/edit"), {**FORM, "text": TEXT, "action": "submit"}, edit
    )
    assert (sent.status_code, sent.headers["location"]) == (303, "/stories/mine")
    mine = client.get("/stories/mine")
    assert TITLE.replace("'", "&#39;") in mine.text
    assert "Waiting for the moderator" in mine.text


def test_saving_a_draft_checks_it_without_submitting(client: TestClient, world: DemoWorld) -> None:
    sign_in(client, world, "gp-riverside")
    saved = post(client, "/stories", {**FORM, "text": TEXT, "action": "save"}, "/stories/new")
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "There is a problem" not in page.text
    assert "found nothing that could identify someone" in page.text
    assert "Draft" in page.text


def test_a_form_with_something_missing_says_what(client: TestClient, world: DemoWorld) -> None:
    sign_in(client, world, "gp-riverside")
    page = post(client, "/stories", {"title": "", "text": "Short"}, "/stories/new")
    assert page.status_code == 422
    assert "Give the story a title" in page.text
    assert "Choose the agencies that shared: at least two" in page.text


def test_the_moderator_publishes_and_a_police_officer_finds_it_by_theme(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    story = submitted(uow, actor(uow, world, "teacher-oakfield"))
    sign_in(client, world, "privacy-officer")
    queue = client.get("/stories/moderation")
    assert f"/stories/{story.id}" in queue.text
    page = client.get(f"/stories/{story.id}")
    assert "Publish this story" in page.text
    assert "<title>A story \u2013 Jigsaw</title>" in page.text

    published = post(client, f"/stories/{story.id}/publish", {}, f"/stories/{story.id}")

    assert published.headers["location"] == f"/stories/{story.id}"
    client.cookies.clear()
    sign_in(client, world, "police-officer")
    found = client.get("/stories", params={"theme": "neglect", "agency": "gp"})
    assert f"/stories/{story.id}" in found.text
    assert "Told by a school" in found.text
    assert f"/stories/{story.id}" not in client.get("/stories?theme=online_harm").text
    assert f"/stories/{story.id}" in client.get("/stories?q=breakfast").text
    reading = client.get(f"/stories/{story.id}")
    assert "Withdraw" not in reading.text
    assert "the child now has breakfast at school" in reading.text


def test_returning_needs_a_note(client: TestClient, uow: UnitOfWork, world: DemoWorld) -> None:
    story = submitted(uow, actor(uow, world, "teacher-oakfield"))
    sign_in(client, world, "privacy-officer")
    refused = post(client, f"/stories/{story.id}/return", {"note": ""}, f"/stories/{story.id}")
    assert refused.status_code == 422
    assert "Say what the author should change" in refused.text
    returned = post(client, f"/stories/{story.id}/return", {"note": "Less about the school"},
                    f"/stories/{story.id}")  # fmt: skip
    assert returned.headers["location"] == "/stories/moderation"


def test_the_api_gives_published_stories_only(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    teacher = actor(uow, world, "teacher-oakfield")
    waiting = submitted(uow, teacher)
    published = submitted(uow, teacher)
    services.publish_story(uow, actor(uow, world, "privacy-officer"), story_id=published.id)
    headers = bearer(uow, world, "police", "story:read")

    listed = client.get("/api/v1/stories", params={"theme": "neglect"}, headers=headers)

    assert listed.status_code == 200
    [view] = listed.json()
    assert (view["id"], view["title"], view["told_by"]) == (str(published.id), TITLE, "a school")
    assert view["theme_labels"] == ["Early help", "Neglect"]
    assert client.get(f"/api/v1/stories/{published.id}", headers=headers).json()["text"] == TEXT
    assert client.get(f"/api/v1/stories/{waiting.id}", headers=headers).status_code == 404
    no_permission = bearer(uow, world, "police", "child:read")
    assert client.get("/api/v1/stories", headers=no_permission).status_code == 403
