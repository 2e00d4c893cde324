"""A real SMTP server on a free local port, and people to notify."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import Organisation, User
from jigsaw.config import Settings
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from tests.smtp import REFUSED, SmtpServer


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_settings(settings: Settings, smtp_server: SmtpServer) -> Settings:
    return settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": smtp_server.port, "smtp_starttls": False}
    )


@dataclass(frozen=True)
class People:
    """Two practitioners at a school, one who has left, one whose mailbox refuses mail."""

    organisation_id: uuid.UUID
    dsl: User
    teacher: User
    leaver: User
    refused: User


def add_user(uow: UnitOfWork, organisation_id: uuid.UUID, email_address: str) -> User:
    user = User(
        organisation_id=organisation_id,
        email=email_address,
        display_name="Synthetic Person",
        job_title="Teacher",
        created_at=clock.now(),
    )
    uow.session.add(user)
    return user


@pytest.fixture
def people(uow: UnitOfWork) -> People:
    with uow:
        school = Organisation(
            name="Oakfield Primary School",
            kind=AgencyKind.SCHOOL,
            identifier_scheme="urn",
            identifier="999001",
            created_at=clock.now(),
        )
        uow.session.add(school)
        uow.flush()
        dsl = add_user(uow, school.id, "dsl@school.example")
        teacher = add_user(uow, school.id, "teacher@school.example")
        leaver = add_user(uow, school.id, "leaver@school.example")
        leaver.is_active = False
        refused = add_user(uow, school.id, REFUSED)
        uow.commit()
    return People(school.id, dsl, teacher, leaver, refused)
