"""Opening a contact when a concern reaches the MASH: called inside the sharer's transaction."""

import uuid
from datetime import datetime

from sqlalchemy import func, select

from jigsaw.access.models import Involvement
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import Organisation
from jigsaw.config import get_settings
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import parse_urgencies
from jigsaw.mash.models import ContactEvent, MashContact
from jigsaw.mash.rules import ContactState, Urgency, suggested_urgency


def open_contact(
    uow: UnitOfWork,
    *,
    concern_id: uuid.UUID,
    mash_id: uuid.UUID,
    source_id: uuid.UUID,
    child_id: uuid.UUID | None,
    level_of_need: int | None,
    immediate_danger: bool,
    now: datetime,
) -> MashContact:
    """A new contact in the MASH's queue, rated and due on the working clock.

    Does not commit: the concern's sending commits it, with its audit row.
    """
    urgency = suggested_urgency(level_of_need, immediate_danger=immediate_danger)
    contact = MashContact(
        id=uuid.uuid4(), organisation_id=mash_id, concern_id=concern_id, child_id=child_id,
        source_organisation_id=source_id, state=ContactState.RECEIVED, urgency=urgency,
        received_at=now, due_at=due_at(now, urgency),
        social_care_involved=_social_care_involved(uow, child_id, now), updated_at=now,
        previous_received_at=_previous(uow, child_id, mash_id, now),
    )  # fmt: skip
    uow.session.add(contact)
    uow.session.add(ContactEvent(id=uuid.uuid4(), contact_id=contact.id, action="opened",
                                 from_state=None, to_state=ContactState.RECEIVED,
                                 actor_id=None, at=now))  # fmt: skip
    return contact


def _previous(
    uow: UnitOfWork, child_id: uuid.UUID | None, mash_id: uuid.UUID, now: datetime
) -> datetime | None:
    """When the child's latest earlier contact at this MASH was received (None: the first)."""
    if child_id is None:
        return None
    return uow.session.scalar(
        select(func.max(MashContact.received_at)).where(
            MashContact.child_id == child_id, MashContact.organisation_id == mash_id,
            MashContact.received_at < now,
        )
    )  # fmt: skip


def due_at(received: datetime, urgency: Urgency) -> datetime:
    """When a contact of this urgency received then is due, on the deployment's clock."""
    settings = get_settings()
    timescale = parse_urgencies(settings.mash_timescales)[urgency.value]
    return settings.working_calendar().add(received, timescale)


def _social_care_involved(uow: UnitOfWork, child_id: uuid.UUID | None, now: datetime) -> bool:
    """Whether children's social care already works with the child (an open involvement)."""
    if child_id is None:
        return False
    today = now.date()
    query = (
        select(Involvement.id)
        .join(Organisation, Organisation.id == Involvement.organisation_id)
        .where(Involvement.child_id == child_id, Involvement.started_on <= today)
        .where((Involvement.ended_on.is_(None)) | (Involvement.ended_on >= today))
        .where(Organisation.kind == AgencyKind.CHILDRENS_SOCIAL_CARE)
        .limit(1)
    )
    return uow.session.scalar(query) is not None
