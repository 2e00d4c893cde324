"""Emails about a concern go through the outbox: an SMTP outage delays them, never loses them."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from jigsaw.config import Settings
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.notifications import send_due
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, load_world
from tests.sharing.helpers import CHILD_WORDS, NARRATIVE, pupil, raise_to_mash, shared
from tests.smtp import SmtpServer


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    yield server
    server.stop()


def test_an_email_raised_during_an_outage_arrives_once_when_the_server_is_back(
    uow: UnitOfWork,
    world: DemoWorld,
    settings: Settings,
    session_factory: sessionmaker[Session],
    smtp: SmtpServer,
) -> None:
    mail = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_starttls": False}
    )
    dsl = actor(uow, world, "dsl-oakfield")
    child_id = pupil(world)
    child = next(c for c in world.partnership.children if world.id(c.key) == child_id)
    concern = raise_to_mash(uow, world, dsl, child_id=child_id, draft=shared())

    down = send_due(session_factory, mail)  # the SMTP server is not running
    smtp.start()
    too_soon = send_due(session_factory, mail)
    later = send_due(session_factory, mail, now=clock.now() + timedelta(hours=1))
    again = send_due(session_factory, mail, now=clock.now() + timedelta(hours=2))

    assert (down.sent, down.failed) == (0, 2)  # one each to the MASH practitioner and manager
    assert too_soon.sent == 0  # retried with backoff, not at once
    assert later.sent == 2
    assert again.sent == 0
    received = smtp.messages
    assert sorted(m["To"] for m in received) == sorted(
        world.persona(p).email for p in ("mash-practitioner", "mash-manager")
    )
    for message in received:
        body = message.get_content()
        assert concern.reference in body
        assert f"/concerns/{concern.id}" in body
        assert NARRATIVE not in body
        assert CHILD_WORDS not in body
        for personal in (child.family_name, child.date_of_birth.strftime("%d/%m/%Y")):
            assert personal not in body
            assert personal not in message["Subject"]
