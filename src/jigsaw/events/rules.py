"""What a posted event must say, when it is surely about a child, and how a chronology is narrowed.

Pure: no database. The services and the pages call these with what they read.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from jigsaw.core.errors import Invalid
from jigsaw.matching import Band, Field, IdentifierLevel, MatchScore
from jigsaw.taxonomy.events import EVENT_CATEGORIES, POSTABLE, EventGroup

SOURCE_ID_MAX = 100
SOURCE_CODE_MAX = 60
SOURCE_SYSTEM_MAX = 100
TEXT_MAX = 4000
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# Agencies' clocks drift: an event "happening" a few minutes in the future is accepted.
CLOCK_SKEW = timedelta(minutes=5)
JIGSAW = "Jigsaw"


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a posted event is about, as the posting agency knows the child."""

    given_names: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    nhs_number: str | None = None
    upn: str | None = None
    postcode: str | None = None
    local_id: str | None = None  # the agency's own id for the child, if it linked one


@dataclass(frozen=True, slots=True)
class PostedEvent:
    """One event an agency's system sends."""

    source_event_id: str
    category: str
    occurred_at: datetime
    child: Identity
    source_system: str = ""
    source_code: str | None = None
    text: str | None = None


def check_posted(event: PostedEvent, *, now: datetime) -> dict[str, str]:
    """Every problem with a posted event, by field; empty when it may be accepted.

    Messages name the field and what is expected, never the value sent.
    """
    problems: dict[str, str] = {}
    if not event.source_event_id.strip():
        problems["source_event_id"] = "Give your system's own id for the event"
    elif len(event.source_event_id) > SOURCE_ID_MAX:
        problems["source_event_id"] = f"Use an id of {SOURCE_ID_MAX} characters or fewer"
    if event.category not in POSTABLE:
        problems["category"] = (
            "Use one of the shared event categories (see the API's EventCategory list)"
        )
    if event.occurred_at.tzinfo is None:
        problems["occurred_at"] = "Give the time with its offset from UTC, like 2026-03-01T21:40Z"
    elif event.occurred_at > now + CLOCK_SKEW:
        problems["occurred_at"] = "An event cannot have happened in the future"
    elif event.occurred_at < EARLIEST:
        problems["occurred_at"] = f"Give a time in {EARLIEST.year} or later"
    if len(event.source_system) > SOURCE_SYSTEM_MAX:
        problems["source_system"] = f"Use {SOURCE_SYSTEM_MAX} characters or fewer"
    if event.source_code is not None and len(event.source_code) > SOURCE_CODE_MAX:
        problems["source_code"] = f"Use a code of {SOURCE_CODE_MAX} characters or fewer"
    if event.text is not None and len(event.text) > TEXT_MAX:
        problems["text"] = f"Use {TEXT_MAX} characters or fewer"
    who = event.child
    if not (who.nhs_number or who.upn or who.local_id) and not (
        who.family_name.strip() and who.date_of_birth
    ):
        problems["child"] = (
            "Say who the child is: an NHS number, a UPN, your own id for the child, "
            "or their family name and date of birth"
        )
    return problems


def surely(candidates: Sequence[tuple[uuid.UUID, MatchScore]]) -> uuid.UUID | None:
    """The child a posted event is surely about, or None when a person must decide.

    Surely: the best candidate is a clear match on no hard rule, no second child also
    matches (twins), and an NHS number or UPN is the same or the agency's own id settled
    it. Names and a date of birth alone never attach an event to a child without a person.
    """
    if not candidates:
        return None
    best_id, best = candidates[0]
    if best.band is not Band.MATCH:
        return None
    if len(candidates) > 1 and candidates[1][1].band is Band.MATCH:
        return None
    # A hard rule on a clear match is the agency's own id settling it (search's rule).
    if best.rule is not None:
        return best_id if best.probability >= 1.0 else None
    if any(
        e.field in {Field.NHS_NUMBER, Field.UPN} and e.level == IdentifierLevel.SAME
        for e in best.explanation
    ):
        return best_id
    return None


@dataclass(frozen=True, slots=True)
class ChronologyFilter:
    """How a reader narrowed a chronology. Empty sets mean everything."""

    agencies: frozenset[uuid.UUID] = field(default_factory=frozenset)
    groups: frozenset[EventGroup] = field(default_factory=frozenset)
    start: date | None = None
    end: date | None = None
    significant_only: bool = False

    @property
    def narrowed(self) -> bool:
        """Whether any filter is set."""
        return bool(self.agencies or self.groups or self.start or self.end or self.significant_only)


def read_filter(
    *,
    agencies: Sequence[str] = (),
    groups: Sequence[str] = (),
    start: str = "",
    end: str = "",
    significant: str = "",
) -> ChronologyFilter:
    """A chronology filter from a form or query string.

    Raises:
        Invalid: an agency that is not an id, a category group that is not one, a date that
            is not one, or a start after the end (each named by its field).
    """
    problems: dict[str, str] = {}
    ids: set[uuid.UUID] = set()
    for text in agencies:
        if not text:
            continue
        try:
            ids.add(uuid.UUID(text))
        except ValueError:
            problems["agency"] = "Choose agencies from the list"
    chosen: set[EventGroup] = set()
    for text in groups:
        if not text:
            continue
        try:
            chosen.add(EventGroup(text))
        except ValueError:
            problems["group"] = "Choose categories from the list"
    first = _date(start, "from", "start", problems)
    last = _date(end, "to", "end", problems)
    if first and last and first > last:
        problems["from"] = "The start date must be on or before the end date"
    if problems:
        raise Invalid(problems)
    return ChronologyFilter(frozenset(ids), frozenset(chosen), first, last,
                            significant_only=significant in {"1", "true", "on", "yes"})  # fmt: skip


def _date(text: str, field_name: str, which: str, problems: dict[str, str]) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problems[field_name] = f"Enter the {which} date as year, month and day, like 2026-03-01"
        return None


def is_known_category(code: str) -> bool:
    """Whether ``code`` is in the shared taxonomy."""
    return code in EVENT_CATEGORIES
