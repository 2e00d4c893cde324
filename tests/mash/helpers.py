"""Contacts at the MASH built the way the MASH works them."""

from sqlalchemy import select

from jigsaw.core.uow import UnitOfWork
from jigsaw.mash import services
from jigsaw.mash.models import MashContact
from jigsaw.mash.rules import Action, Outcome
from jigsaw.sharing.models import Concern
from tests.children.helpers import actor
from tests.demo_world import DemoWorld
from tests.sharing.helpers import pupil, raise_to_mash, shared


def decided(
    uow: UnitOfWork, world: DemoWorld, *, rationale: str, outcome: Outcome = Outcome.EARLY_HELP
) -> tuple[Concern, MashContact]:
    """A school's concern shared with the MASH, accepted, and decided by its manager."""
    concern = raise_to_mash(uow, world, actor(uow, world, "dsl-oakfield"),
                            child_id=pupil(world), draft=shared())  # fmt: skip
    with uow:
        contact = uow.session.scalars(
            select(MashContact).where(MashContact.concern_id == concern.id)
        ).one()
    services.act(uow, actor(uow, world, "mash-practitioner"), contact_id=contact.id,
                 action=Action.ACCEPT)  # fmt: skip
    contact = services.act(uow, actor(uow, world, "mash-manager"), contact_id=contact.id,
                           action=Action.DECIDE, reason=rationale, outcome=outcome)  # fmt: skip
    return concern, contact
