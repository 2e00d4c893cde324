"""Concerns written in one agency's words, for readers in another's."""

import uuid

from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.accounts import services as accounts
from jigsaw.core.uow import UnitOfWork
from jigsaw.sharing import services
from jigsaw.sharing.models import Concern, Subject
from tests.demo_world import DemoWorld
from tests.sharing.helpers import shared

# A social worker's words: three terms a police officer may not know as a social worker does.
SOCIAL_WORKER_NARRATIVE = (
    "Strategy discussion held this morning: a s47 enquiry has started.\n"
    "The family were open as CIN last year; an ICPC is likely within 15 working days."
)


def police_receive_concerns(uow: UnitOfWork, world: DemoWorld) -> None:
    """The Public Protection Unit officer receives what is shared with the force.

    In the demo the officer is a practitioner, who raises concerns but receives none; a
    force's PPU is where other agencies' concerns arrive, so here they hold that role too.
    """
    admin = Actor.user(
        world.id("persona:system-admin"),
        organisation_id=world.id("org:la"),
        agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
        roles=frozenset({Role.SYSTEM_ADMIN}),
    )
    accounts.change_roles(
        uow, admin, user_id=world.id("persona:police-officer"),
        roles=frozenset({Role.PRACTITIONER, Role.DESIGNATED_SAFEGUARDING_LEAD}),
    )  # fmt: skip


def known_to_police(world: DemoWorld) -> uuid.UUID:
    """A child the police work with, whose record is not restricted."""
    restricted = {world.id(r.child_key) for r in world.partnership.casework.restrictions}
    return next(c for c in world.children_at("police") if c not in restricted)


def share_with_police(
    uow: UnitOfWork, world: DemoWorld, author: Actor, *, narrative: str = SOCIAL_WORKER_NARRATIVE
) -> Concern:
    """The social worker's concern, sent to the police force working with the child."""
    concern = services.start_concern(uow, author, subject=Subject.IDENTIFIED,
                                     child_id=known_to_police(world))  # fmt: skip
    done = "Told the ICPC chair; a CP medical is booked"
    draft = shared(narrative=narrative, agency_risk_term="Amber", level_of_need=3,
                   child_words="", actions_taken=done)  # fmt: skip
    services.save_draft(uow, author, concern_id=concern.id, draft=draft,
                        recipient_ids=[world.id("org:police")])  # fmt: skip
    return services.send_concern(uow, author, concern_id=concern.id).concern
