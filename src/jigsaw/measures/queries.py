"""The MASH's measures for a period: counts and working times, never a child's details.

Rows are read by index for the period only (``measures.reading``); working hours are then
counted in Python over those rows, because neither engine knows England's working days.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.accounts import Organisation
from jigsaw.config import get_settings
from jigsaw.core.errors import Invalid, NotFound
from jigsaw.core.memory import collector_paused
from jigsaw.core.uow import UnitOfWork
from jigsaw.measures.figures import (
    ConsultationFigures,
    DailyContacts,
    DecisionTimes,
    FeedbackTimes,
    PartnerLine,
    consultation_figures,
    count_per_day,
    partner_responses,
    repeat_contacts,
    time_to_decision,
    time_to_feedback,
)
from jigsaw.measures.reading import Rows, read_rows
from jigsaw.measures.rules import Period, Share, WorkingClock, instant

UNKNOWN_AGENCY = {"agency": "Choose an agency from the list"}
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Agency:
    """An organisation, by id and name."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True, slots=True)
class Measures:
    """Every measure of one MASH for a period, for one source agency or all of them."""

    mash: Agency
    period: Period
    agency: Agency | None  # None: every agency
    names: dict[uuid.UUID, str]  # the partnership's organisations, to name the figures' agencies
    as_of: datetime
    contacts: DailyContacts[uuid.UUID]
    decisions: DecisionTimes[uuid.UUID]
    feedback: FeedbackTimes
    partners: list[PartnerLine[uuid.UUID]]  # per agency asked, then every agency together
    consultations: ConsultationFigures
    repeats: Share

    @property
    def agencies(self) -> list[Agency]:
        """The agencies the measures can be narrowed to (all but the MASH), by name."""
        return [Agency(id_, name) for id_, name in self.names.items() if id_ != self.mash.id]


def list_agencies(uow: UnitOfWork, actor: Actor) -> list[Agency]:
    """The agencies the actor's MASH's measures can be narrowed to, by name.

    Raises:
        NotFound: the actor does not read a MASH's measures.
    """
    mash_id = _mash_of(actor)
    with uow:
        names = _names(uow)
    return [Agency(id_, name) for id_, name in names.items() if id_ != mash_id]


def get_measures(
    uow: UnitOfWork, actor: Actor, *, period: Period, agency_id: uuid.UUID | None, now: datetime
) -> Measures:
    """The actor's MASH's measures for the period, as of ``now``; the reading is audited.

    ``agency_id`` narrows them to one agency: the source of contacts (and so of feedback),
    the agency asked for partner checks, and the asker's agency for consultations.

    Raises:
        NotFound: the actor does not read a MASH's measures.
        Invalid: the agency is not one of the partnership's.
    """
    mash_id = _mash_of(actor)
    # Some ten thousand rows come and go, each freed when dropped: left running, the cyclic
    # collector would pass over the whole heap for them, for nothing (core/memory.py).
    with collector_paused():
        with uow:
            names = _names(uow)
            if agency_id is not None and (agency_id == mash_id or agency_id not in names):
                raise Invalid(UNKNOWN_AGENCY)
            rows = read_rows(uow, mash_id, period, agency_id)
            audit.record(uow, actor, "measures:viewed", subject_type="organisation",
                         subject_id=mash_id)  # fmt: skip
            uow.commit()
        agency = Agency(agency_id, names[agency_id]) if agency_id else None
        return _measures(rows, period, now, names=names, mash=Agency(mash_id, names[mash_id]),
                         agency=agency)  # fmt: skip


def _measures(
    rows: Rows, period: Period, now: datetime, *, names: dict[uuid.UUID, str], mash: Agency,
    agency: Agency | None,
) -> Measures:  # fmt: skip
    calendar = get_settings().working_calendar()
    clock, day = WorkingClock(calendar, period.start), calendar.hours.day_length // _MICROSECOND
    at = instant(now)
    return Measures(
        mash=mash, period=period, agency=agency, names=names, as_of=now,
        contacts=count_per_day(rows.contacts, period).rekeyed(_id),
        decisions=time_to_decision(rows.contacts, clock, day=day, now=at).rekeyed(_id),
        feedback=time_to_feedback(rows.feedback, clock),
        partners=[line.rekeyed(_id) for line in partner_responses(rows.requests, clock, now=at)],
        consultations=consultation_figures(rows.consultations, clock, now=at),
        repeats=repeat_contacts(rows.contacts),
    )  # fmt: skip


def _id(text: str) -> uuid.UUID:
    return uuid.UUID(text)


def _mash_of(actor: Actor) -> uuid.UUID:
    organisation_id = actor.organisation_id
    if organisation_id is None or not policy.may_read_measures(actor, organisation_id):
        raise NotFound("measures")
    return organisation_id


def _names(uow: UnitOfWork) -> dict[uuid.UUID, str]:
    query = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    return dict(uow.session.execute(query).all())
