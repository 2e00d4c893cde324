"""What the chronology pages read from the address and forms, and what the events API takes.

The chronology's address carries ids, codes and dates only, never a name. A batch of
posted events is read one event at a time, so one malformed event is refused with its
problems while the rest are accepted; only a body that is not a batch at all is a 422.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Self
from urllib.parse import urlencode

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    model_validator,
)

from jigsaw.core.errors import Invalid
from jigsaw.events.models import MatchState
from jigsaw.events.posting import BATCH_MOST, Accepted
from jigsaw.events.queries import Chronology, EventLine
from jigsaw.events.rules import (
    SOURCE_ID_MAX,
    ChronologyFilter,
    Identity,
    PostedEvent,
    read_filter,
)
from jigsaw.taxonomy.events import POSTABLE, EventGroup

# The categories an agency's system may post, published in OpenAPI as the enum EventCategory.
EventCategory = StrEnum(  # type: ignore[misc]  # members come from the shared taxonomy
    "EventCategory", {code.upper(): code for code in sorted(POSTABLE)}
)
EventCategory.__doc__ = "The shared taxonomy's code for what happened (taxonomy.events)."
SET_ASIDE = "set_aside"
# The rules (events.rules.check_posted) say what is too long in words a system's developer can
# act on; these limits only stop abuse.
Short = Annotated[str, StringConstraints(max_length=400)]
Long = Annotated[str, StringConstraints(max_length=16_000)]


class ChronologyForm(BaseModel):
    """The chronology's filters, view and "show earlier" point, as the address has them."""

    model_config = ConfigDict(populate_by_name=True)

    agency: list[str] = []
    group: list[str] = []
    start: str = Field("", alias="from")
    end: str = Field("", alias="to")
    significant: str = ""
    view: str = ""
    before: str = ""

    @property
    def compact(self) -> bool:
        """One line per event, grouped by month, without the words."""
        return self.view == "compact"

    def filters(self) -> ChronologyFilter:
        """The filters as the query reads them.

        Raises:
            Invalid: each field that is wrong, with what to do.
        """
        return read_filter(agencies=self.agency, groups=self.group, start=self.start,
                           end=self.end, significant=self.significant)  # fmt: skip

    def earlier_than(self) -> datetime | None:
        """The "show earlier" point; a mangled one starts again from the newest."""
        try:
            moment = datetime.fromisoformat(self.before) if self.before else None
        except ValueError:
            return None
        return moment if moment is None or moment.tzinfo is not None else None

    def query(self, **changes: str) -> str:
        """This address's query string with some parameters changed (empty ones dropped)."""
        values: dict[str, list[str]] = {
            "agency": self.agency, "group": self.group, "from": [self.start], "to": [self.end],
            "significant": [self.significant], "view": [self.view], "before": [self.before],
        }  # fmt: skip
        values |= {name: [value] for name, value in changes.items()}
        kept = [(name, v) for name, vs in values.items() for v in vs if v]
        return urlencode(kept)


class SignificanceForm(BaseModel):
    """Mark an event significant ("1") or take the mark off (anything else)."""

    significant: str = ""

    @property
    def marked(self) -> bool:
        """Whether the event is to be marked significant."""
        return self.significant in {"1", "true", "on", "yes"}


class ReviewForm(BaseModel):
    """Which child a waiting event is about, or that it is about none of them."""

    decision: str = ""

    def child_id(self) -> uuid.UUID | None:
        """The child chosen; None to set the event aside.

        Raises:
            Invalid: nothing chosen.
        """
        if self.decision == SET_ASIDE:
            return None
        try:
            return uuid.UUID(self.decision)
        except ValueError:
            raise Invalid({"decision": "Choose the child, or say it is none of them"}) from None


class ChildIdentityIn(BaseModel):
    """Who the event is about, as your system knows the child.

    Send an NHS number or UPN where you have one: names and a date of birth alone never
    put an event on a child's chronology without a person at your agency confirming it.
    """

    given_names: Short = ""
    family_name: Short = ""
    date_of_birth: date | None = None
    nhs_number: Short | None = None
    upn: Short | None = None
    postcode: Short | None = None
    local_id: Short | None = Field(None, description="Your system's own id for the child")


class PostedEventIn(BaseModel):
    """One event from your system, under your own id for it (a retry is the same event)."""

    source_event_id: Short = Field(description="Your system's id for the event (100 at most)")
    category: EventCategory
    occurred_at: AwareDatetime = Field(description="When it happened, with its UTC offset")
    child: ChildIdentityIn
    source_system: Short = Field("", description="Your system's name (defaults to the token's)")
    source_code: Short | None = Field(None, description="Your system's own code (60 at most)")
    text: Long | None = Field(None, description="What happened, in your words (4,000 at most)")

    def to_posted(self) -> PostedEvent:
        """The event as the service takes it."""
        who = self.child
        return PostedEvent(
            source_event_id=self.source_event_id, category=str(self.category),
            occurred_at=self.occurred_at, source_system=self.source_system,
            source_code=self.source_code, text=self.text,
            child=Identity(given_names=who.given_names, family_name=who.family_name,
                           date_of_birth=who.date_of_birth, nhs_number=who.nhs_number,
                           upn=who.upn, postcode=who.postcode, local_id=who.local_id),
        )  # fmt: skip


class EventBatchIn(BaseModel):
    """Up to 500 events; each is answered on its own, in the order sent."""

    events: Annotated[list[PostedEventIn], Field(max_length=BATCH_MOST)]
    _refused: dict[int, tuple[str | None, dict[str, str]]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _one_at_a_time(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Read each event on its own: a malformed one is refused, not the whole batch."""
        events = data.get("events") if isinstance(data, dict) else None
        if not isinstance(events, list) or len(events) > BATCH_MOST:
            return handler(data)
        good: list[PostedEventIn] = []
        refused: dict[int, tuple[str | None, dict[str, str]]] = {}
        for place, item in enumerate(events):
            try:
                good.append(PostedEventIn.model_validate(item))
            except ValidationError as error:
                refused[place] = (_their_id(item), problems_of(error))
        batch = handler({**data, "events": good})
        batch._refused = refused
        return batch

    @property
    def sent(self) -> int:
        """How many events the batch held, readable or not."""
        return len(self.events) + len(self._refused)

    def posted(self) -> list[PostedEvent]:
        """The readable events, in the order sent."""
        return [event.to_posted() for event in self.events]

    def answer(self, accepted: list[Accepted]) -> "EventBatchView":
        """One result per event sent, in order: the service's for the readable ones."""
        answers = iter(accepted)
        results = []
        for place in range(self.sent):
            if place in self._refused:
                their_id, problems = self._refused[place]
                results.append(EventResultView(source_event_id=their_id, outcome=Outcome.REFUSED,
                                               problems=problems))  # fmt: skip
            else:
                results.append(EventResultView.of(next(answers)))
        return EventBatchView(results=results)


class Outcome(StrEnum):
    """What became of one posted event."""

    ACCEPTED = "accepted"
    REPLAYED = "replayed"  # sent before: the first answer again, nothing written twice
    REFUSED = "refused"  # see problems; send it again once put right


class PlanNoticeView(BaseModel):
    """The child is on a plan: whom to call (as CP-IS tells unscheduled care). No case detail."""

    plan: str = Field(description="child_protection_plan, looked_after or "
                      "unborn_child_protection_plan")  # fmt: skip
    council: str
    phone: str | None
    out_of_hours_phone: str | None


class EventResultView(BaseModel):
    """One posted event's result, in the place it was sent."""

    source_event_id: str | None
    outcome: Outcome
    event_id: uuid.UUID | None = None
    match_state: MatchState | None = Field(
        None, description="matched: on the child's chronology; possible or unmatched: waiting "
        "for a person at your agency to say which child",
    )  # fmt: skip
    problems: dict[str, str] | None = None
    on_plan: list[PlanNoticeView] = Field(
        default_factory=list,
        description="The child is on a plan or looked after: the council holding it and whom "
        "to call. Empty otherwise.",
    )

    @classmethod
    def of(cls, accepted: Accepted) -> "EventResultView":
        """The service's answer for one event."""
        if accepted.state is None:
            return cls(source_event_id=accepted.source_event_id, outcome=Outcome.REFUSED,
                       problems=accepted.problems)  # fmt: skip
        outcome = Outcome.REPLAYED if accepted.replayed else Outcome.ACCEPTED
        plans = [PlanNoticeView(plan=n.plan, council=n.council, phone=n.phone,
                                out_of_hours_phone=n.out_of_hours_phone)
                 for n in accepted.on_plan]  # fmt: skip
        return cls(source_event_id=accepted.source_event_id, outcome=outcome,
                   event_id=accepted.event_id, match_state=accepted.state,
                   on_plan=plans)  # fmt: skip


class EventBatchView(BaseModel):
    """A result for every event sent, in the order sent."""

    results: list[EventResultView]


class ChronologyEventView(BaseModel):
    """One event on a child's chronology, as the reader may see it."""

    id: uuid.UUID
    occurred_at: datetime
    recorded_at: datetime
    agency_id: uuid.UUID
    agency: str
    category: str = Field(description="The shared taxonomy's code, Jigsaw's own events included")
    category_label: str
    group: EventGroup
    source_system: str
    source_code: str | None
    text: str
    significant: bool

    @classmethod
    def of(cls, line: EventLine) -> "ChronologyEventView":
        """The event as the API gives it."""
        return cls(id=line.id, occurred_at=line.occurred_at, recorded_at=line.recorded_at,
                   agency_id=line.organisation_id, agency=line.agency, category=line.category,
                   category_label=line.label, group=line.group,
                   source_system=line.source_system, source_code=line.source_code,
                   text=line.text, significant=line.significant)  # fmt: skip


class ChronologyView(BaseModel):
    """A page of a child's chronology, newest first."""

    child_id: uuid.UUID
    events: list[ChronologyEventView]
    more: bool = Field(description="Earlier events exist: ask again with before=next_before")
    next_before: datetime | None
    other_agencies_hold_information: bool = Field(
        description="Events exist that this reader may not see: ask the MASH"
    )

    @classmethod
    def of(cls, found: Chronology) -> "ChronologyView":
        """The page as the API gives it."""
        return cls(child_id=found.opened.child_id,
                   events=[ChronologyEventView.of(e) for e in found.events], more=found.more,
                   next_before=found.next_before,
                   other_agencies_hold_information=found.hidden)  # fmt: skip


# What to do about a field the API could not read: never the value sent, which may be a name.
_PROBLEMS = {
    "": "Send each event as an object",
    "source_event_id": "Give your system's own id for the event, as text",
    "category": "Use one of the shared event categories (see the API's EventCategory list)",
    "occurred_at": "Give the time with its offset from UTC, like 2026-03-01T21:40Z",
    "child": "Say who the child is, as an object (see ChildIdentityIn)",
    "child.date_of_birth": "Give the date of birth as year, month and day, like 2016-05-01",
    "text": "Give what happened as text",
}
_AS_TEXT = "Give this as text, or leave it out"


def problems_of(error: ValidationError) -> dict[str, str]:
    """Each field of an event the API could not read, with what to do, by its place."""
    found: dict[str, str] = {}
    for problem in error.errors(include_input=False, include_url=False):
        place = ".".join(str(part) for part in problem["loc"])
        top = place if "." not in place else ""
        found[place or "event"] = _PROBLEMS.get(place) or _PROBLEMS.get(top) or _AS_TEXT
    return found


def _their_id(item: object) -> str | None:
    """The source's id for a refused event, if it sent a readable one (to match the answer)."""
    if isinstance(item, dict) and isinstance(item.get("source_event_id"), str):
        their_id: str = item["source_event_id"]
        return their_id if len(their_id) <= SOURCE_ID_MAX else None
    return None
