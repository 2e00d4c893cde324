"""A training space in the rolled-back test transaction: marked, a scenario loaded."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from fastapi import FastAPI
from fastapi.testclient import TestClient

from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo.loader import load_partnership, persona_authenticator_keys
from jigsaw.sharing import services as sharing
from jigsaw.sharing.models import Subject
from jigsaw.sharing.rules import Draft, SharingDecision
from jigsaw.taxonomy.lawful_basis import Article6Basis, ConsentNotSoughtReason, ConsentPosition
from jigsaw.training import services
from jigsaw.training.partnership import ScenarioIds, partnership_of
from jigsaw.training.reading import packaged_scenarios
from tests.demo_world import PASSWORD, DemoWorld, sign_in

KEY = "weekend-call-out"
NAME = "test-space"
ACTOR = Actor.system("test:training")
DA_WORDS = "Officers attended 14 Heron Close"
SHARED_WORDS = "Police attended a domestic abuse incident at the family home on Saturday night"


def load_space(uow: UnitOfWork, *, secret_key: str, key: str = KEY) -> DemoWorld:
    """Mark the test database as a training space and load a scenario into it."""
    services.mark_training_space(uow, ACTOR, name=NAME)
    scenario = packaged_scenarios()[key]
    partnership = partnership_of(key, scenario, today=clock.today())
    load_partnership(uow, ACTOR, partnership=partnership, password=PASSWORD,
                     secret_key=secret_key)  # fmt: skip
    services.start_scenario(uow, ACTOR, key=key, scenario=scenario)
    keys = persona_authenticator_keys(uow, partnership=partnership, secret_key=secret_key)
    return DemoWorld(partnership, keys)


@contextmanager
def signed_in(app: FastAPI, world: DemoWorld, persona: str | None) -> Iterator[TestClient]:
    """A client of its own, signed in as a participant (or no one)."""
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        if persona is not None:
            sign_in(client, world, persona)
        yield client


def kayla() -> uuid.UUID:
    return ScenarioIds(KEY).child("kayla")


def police_officer() -> Actor:
    ids = ScenarioIds(KEY)
    return Actor.user(ids.participant("police-officer"), organisation_id=ids.agency("police"),
                      agency_kind=AgencyKind.POLICE,
                      roles=frozenset({Role.PRACTITIONER}))  # fmt: skip


def police_share_with_school(uow: UnitOfWork) -> None:
    """The police participant shares a concern with the school, through the sharing service."""
    officer, ids = police_officer(), ScenarioIds(KEY)
    concern = sharing.start_concern(uow, officer, subject=Subject.IDENTIFIED, child_id=kayla())
    draft = Draft(
        narrative=SHARED_WORDS, happened_on=date.today(), how_known="seen",  # noqa: DTZ011
        decision=SharingDecision(
            decision="share", purpose="So school can support Kayla today",
            article_6=Article6Basis.PUBLIC_TASK, consent=ConsentPosition.NOT_SOUGHT,
            consent_not_sought_reason=ConsentNotSoughtReason.WOULD_INCREASE_RISK,
        ),
    )  # fmt: skip
    sharing.save_draft(uow, officer, concern_id=concern.id, draft=draft,
                       recipient_ids=[ids.agency("school")])  # fmt: skip
    sharing.send_concern(uow, officer, concern_id=concern.id)
