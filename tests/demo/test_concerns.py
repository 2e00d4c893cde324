"""The demo's concerns: every agency shares, each with a guided decision, in every state."""

from collections import Counter

from fastapi import FastAPI
from sqlalchemy import select

from jigsaw.accounts import Organisation
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo.concerns import CONCERNS, load_concerns
from jigsaw.guidance.library import FlowLibrary
from jigsaw.sharing.models import Concern, ConcernStatus, GuidedDecision, Subject
from tests.demo_world import load_world


def test_demo_concerns_come_from_every_agency_with_their_guided_decisions(
    uow: UnitOfWork, app: FastAPI
) -> None:
    world = load_world(uow, app)

    written = load_concerns(uow, world.partnership, FlowLibrary.load(), today=clock.today())

    with uow:
        concerns = uow.session.scalars(select(Concern)).all()
        kinds = {
            row[0]: row[1]
            for row in uow.session.execute(select(Organisation.id, Organisation.kind))
        }
        guided = uow.session.scalars(select(GuidedDecision.concern_id)).all()
    assert written == len(concerns) == len(CONCERNS)
    sharing_agencies = {kinds[c.organisation_id] for c in concerns}
    assert sharing_agencies == {"school", "gp", "community_health", "acute_health", "police",
                                "childrens_social_care"}  # fmt: skip
    statuses = Counter(c.status for c in concerns)
    assert {ConcernStatus.DRAFT, ConcernStatus.NOT_SHARED, ConcernStatus.SENT,
            ConcernStatus.SCREENING} <= set(statuses)  # fmt: skip
    assert {c.subject for c in concerns} == set(Subject)
    assert all(c.id in guided for c in concerns if c.status is not ConcernStatus.DRAFT)
