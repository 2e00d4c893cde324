"""The notifications page: a person's own notices, opened (and marked read) with a POST."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jigsaw.core.uow import UnitOfWork
from jigsaw.notifications import NotificationKind, notify, unread_count
from tests.demo_world import DemoWorld, form_token, load_world, sign_in

NAV_LINK = re.compile(r'href="/notifications"[^>]*>([^<]+)<')


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=20)


def share_with(uow: UnitOfWork, world: DemoWorld, persona: str, reference: str) -> None:
    with uow:
        notify(
            uow,
            user_ids=[world.id(f"persona:{persona}")],
            kind=NotificationKind.CONCERN_SHARED_WITH_YOU,
            reference=reference,
            link=f"/concerns/{reference.lower()}",
            organisation_name="Oakfield Primary School",
        )
        uow.commit()


def nav_label(client: TestClient) -> str:
    match = NAV_LINK.search(client.get("/account").text)
    assert match, "no Notifications link in the navigation"
    return match.group(1).strip()


def test_a_person_sees_their_notifications_and_opening_one_marks_it_read(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    sign_in(client, world, "dsl-oakfield")
    assert nav_label(client) == "Notifications"
    share_with(uow, world, "dsl-oakfield", "C-AAAA1")
    share_with(uow, world, "dsl-oakfield", "C-BBBB2")
    share_with(uow, world, "teacher-oakfield", "C-CCCC3")
    assert nav_label(client) == "Notifications (2)"

    page = client.get("/notifications")
    assert page.status_code == 200
    assert page.text.index("C-BBBB2") < page.text.index("C-AAAA1")  # newest first
    assert "C-CCCC3" not in page.text  # someone else's
    assert page.text.count("A concern has been shared with Oakfield Primary School") == 2
    actions = re.findall(r'action="(/notifications/[0-9a-f-]{36}/read)"', page.text)
    assert len(actions) == 2

    token = form_token(client, "/notifications")
    opened = client.post(actions[0], data={"csrf_token": token})
    assert opened.status_code == 303
    assert opened.headers["location"] == "/concerns/c-bbbb2"
    assert nav_label(client) == "Notifications (1)"
    assert client.get("/notifications").text.count(">New<") == 1


def test_another_persons_notification_cannot_be_opened_and_a_form_needs_its_token(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    share_with(uow, world, "teacher-oakfield", "C-CCCC3")
    sign_in(client, world, "teacher-oakfield")
    [action] = re.findall(r'action="(/notifications/[0-9a-f-]{36}/read)"',
                          client.get("/notifications").text)  # fmt: skip
    assert client.post(action, data={}).status_code == 400  # no CSRF token
    assert nav_label(client) == "Notifications (1)"
    client.cookies.clear()
    sign_in(client, world, "dsl-oakfield")
    token = form_token(client, "/notifications")
    assert client.post(action, data={"csrf_token": token}).status_code == 404
    assert "You have no notifications." in client.get("/notifications").text
    with uow:
        assert unread_count(uow, world.id("persona:teacher-oakfield")) == 1
