"""Building concerns in tests the way a practitioner would."""

import uuid
from datetime import date

from jigsaw.access.actor import Actor
from jigsaw.core.uow import UnitOfWork
from jigsaw.sharing import services
from jigsaw.sharing.models import Concern, Subject
from jigsaw.sharing.rules import Draft, SharingDecision
from jigsaw.taxonomy.lawful_basis import (
    Article6Basis,
    Article9Condition,
    ConsentNotSoughtReason,
    ConsentPosition,
    Schedule1Condition,
)
from tests.demo_world import DemoWorld

NARRATIVE = "Amelia arrived with a bruise on her left cheek and said her step-dad was angry"
CHILD_WORDS = "He shouted and pushed me into the door"


def shared(**changes: object) -> Draft:
    """A complete concern shared with the MASH without consent, as a school DSL would."""
    decision = SharingDecision(
        decision="share",
        purpose="So the MASH can decide whether she needs protection",
        article_6=Article6Basis.PUBLIC_TASK,
        article_9=Article9Condition.SUBSTANTIAL_PUBLIC_INTEREST,
        schedule_1=Schedule1Condition.SAFEGUARDING,
        consent=ConsentPosition.NOT_SOUGHT,
        consent_not_sought_reason=ConsentNotSoughtReason.WOULD_INCREASE_RISK,
    )
    values: dict[str, object] = {
        "happened_on": date(2026, 11, 20),
        "how_known": "told_by_child",
        "categories": ("18C",),
        "agency_risk_term": "Child protection concern",
        "level_of_need": 4,
        "narrative": NARRATIVE,
        "child_words": CHILD_WORDS,
        "actions_taken": "Told the headteacher; photographed nothing",
        "decision": decision,
    }
    values.update(changes)
    return Draft(**values)  # type: ignore[arg-type]


def pupil(world: DemoWorld) -> uuid.UUID:
    """A child at Oakfield Primary (the school DSL's pupil)."""
    return world.children_at("school-1")[0]


def raise_to_mash(
    uow: UnitOfWork, world: DemoWorld, actor: Actor, *, child_id: uuid.UUID, draft: Draft
) -> Concern:
    """Start, fill in and send a concern to the MASH; returns it sent."""
    concern = services.start_concern(uow, actor, subject=Subject.IDENTIFIED, child_id=child_id)
    services.save_draft(uow, actor, concern_id=concern.id, draft=draft,
                        recipient_ids=[world.id("org:mash")])  # fmt: skip
    return services.send_concern(uow, actor, concern_id=concern.id).concern
