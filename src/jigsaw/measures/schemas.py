"""The measures' filters as typed, and the measures as the API gives them."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from jigsaw.core.errors import Invalid
from jigsaw.measures.figures import PartnerLine
from jigsaw.measures.queries import UNKNOWN_AGENCY, Measures
from jigsaw.measures.rules import Period, Share, read_period


class MeasuresForm(BaseModel):
    """The period (London dates, ISO) and the agency, exactly as typed: checked by ``read``."""

    model_config = ConfigDict(populate_by_name=True)

    start: str = Field("", alias="from")
    end: str = Field("", alias="to")
    agency: str = ""

    def read(self, *, today: date) -> tuple[Period, uuid.UUID | None]:
        """The period and agency asked for (empty: the last 28 days, every agency).

        Raises:
            Invalid: every field that is wrong, each with what to do.
        """
        errors: dict[str, str] = {}
        period = agency = None
        try:
            period = read_period(self.start, self.end, today=today)
        except Invalid as error:
            errors |= error.errors
        try:
            agency = uuid.UUID(self.agency) if self.agency.strip() else None
        except ValueError:
            errors |= UNKNOWN_AGENCY
        if errors or period is None:
            raise Invalid(errors)
        return period, agency


class ShareView(BaseModel):
    """How many of how many; ``ratio`` is null when there is nothing to count."""

    count: int
    of: int
    ratio: float | None

    @classmethod
    def of_share(cls, share: Share) -> "ShareView":
        """The share as the API gives it."""
        ratio = share.ratio
        return cls(count=share.count, of=share.of,
                   ratio=None if ratio is None else round(ratio, 4))  # fmt: skip


class DayView(BaseModel):
    """Contacts one agency sent on one London date (days with none are left out)."""

    date: date
    agency_id: uuid.UUID
    contacts: int


class DecisionsView(BaseModel):
    """Contacts received in the period: working hours to decision, outcomes, the rest."""

    decided: int
    median_working_hours: float | None
    p90_working_hours: float | None
    within_one_working_day: ShareView
    outcomes: dict[str, int]
    undecided: int
    rejected: int
    withdrawn: int


class FeedbackView(BaseModel):
    """Contacts decided in the period: feedback sent to referrers, and how soon."""

    sent: ShareView
    median_working_hours: float | None


class PartnerChecksView(BaseModel):
    """Partner checks asked of one agency (``agency_id`` null: every agency together)."""

    agency_id: uuid.UUID | None
    asked: int
    answered: int
    median_working_hours: float | None
    answered_by_due: ShareView

    @classmethod
    def of_line(cls, line: PartnerLine[uuid.UUID]) -> "PartnerChecksView":
        """A line of the partner checks as the API gives it."""
        return cls(agency_id=line.organisation_id, asked=line.asked, answered=line.answered,
                   median_working_hours=_hours(line.median_hours),
                   answered_by_due=ShareView.of_share(line.answered_by_due))  # fmt: skip


class ConsultationsView(BaseModel):
    """Consultations created in the period: outcomes, waiting, advice on time."""

    created: int
    outcomes: dict[str, int]
    waiting: int
    withdrawn: int
    median_working_hours: float | None
    advised_by_due: ShareView


class MeasuresView(BaseModel):
    """A MASH's measures for a period (London dates, both included).

    Durations are in working hours on the deployment's calendar; shares as count, of, ratio.
    """

    mash_id: uuid.UUID
    from_date: date
    to_date: date
    agency_id: uuid.UUID | None
    as_of: datetime
    contacts: int
    contacts_per_day: list[DayView]
    decisions: DecisionsView
    feedback: FeedbackView
    partner_checks: list[PartnerChecksView]
    consultations: ConsultationsView
    repeat_contacts: ShareView

    @classmethod
    def of_measures(cls, found: Measures) -> "MeasuresView":
        """Every measure, without names: a system looks agencies up by id."""
        d, f, c = found.decisions, found.feedback, found.consultations
        return cls(
            mash_id=found.mash.id, from_date=found.period.start, to_date=found.period.end,
            agency_id=found.agency.id if found.agency else None, as_of=found.as_of,
            contacts=found.contacts.total,
            contacts_per_day=[DayView(date=day, agency_id=agency, contacts=n)
                              for (day, agency), n in sorted(found.contacts.counts.items())],
            decisions=DecisionsView(
                decided=d.decided, median_working_hours=_hours(d.median_hours),
                p90_working_hours=_hours(d.p90_hours),
                within_one_working_day=ShareView.of_share(d.within_one_day),
                outcomes={o.value: n for o, n in d.outcomes.items()}, undecided=d.undecided,
                rejected=d.rejected, withdrawn=d.revoked),
            feedback=FeedbackView(sent=ShareView.of_share(f.sent),
                                  median_working_hours=_hours(f.median_hours)),
            partner_checks=[PartnerChecksView.of_line(line) for line in found.partners],
            consultations=ConsultationsView(
                created=c.created, outcomes={o.value: n for o, n in c.outcomes.items()},
                waiting=c.waiting, withdrawn=c.withdrawn,
                median_working_hours=_hours(c.median_hours),
                advised_by_due=ShareView.of_share(c.advised_by_due)),
            repeat_contacts=ShareView.of_share(found.repeats),
        )  # fmt: skip


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
