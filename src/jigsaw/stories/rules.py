"""Stories' pure rules: states and who moves them, themes, agencies' words, kinds of finding.

The kinds of personal data the anonymisation check looks for, and what it spots, are here too.
"""

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.core.errors import Conflict

TITLE_MAX = 120
TEXT_MIN = 80  # a sentence or two is not yet a story another agency can learn from
TEXT_MAX = 8_000
NOTE_MAX = 2_000


class StoryState(StrEnum):
    """Where a story is on its way to publication."""

    DRAFT = "draft"  # the author is writing it
    SUBMITTED = "submitted"  # waiting for the moderator (submitted again after a return too)
    RETURNED = "returned"  # back with the author, with the moderator's note
    PUBLISHED = "published"  # anyone in the partnership reads it
    WITHDRAWN = "withdrawn"  # taken back by the author or the moderator; read by no one

    @property
    def label(self) -> str:
        """The state as the author's list shows it."""
        return _STATE_LABELS[self]


_STATE_LABELS = {
    StoryState.DRAFT: "Draft",
    StoryState.SUBMITTED: "Waiting for the moderator",
    StoryState.RETURNED: "Returned to you",
    StoryState.PUBLISHED: "Published",
    StoryState.WITHDRAWN: "Withdrawn",
}


class Party(StrEnum):
    """Who is acting on a story: the person who wrote it, or the moderator."""

    AUTHOR = "author"
    MODERATOR = "moderator"


class Step(StrEnum):
    """What can be done to a story."""

    EDIT = "edit"
    SUBMIT = "submit"
    PUBLISH = "publish"
    RETURN = "return"
    WITHDRAW = "withdraw"


_S = StoryState
_OPEN = frozenset({_S.DRAFT, _S.SUBMITTED, _S.RETURNED, _S.PUBLISHED})
# (who, what) -> (the states it may be done from, the state it leaves the story in; None: as is).
# The author writes and rewrites until it is submitted; then the text is the moderator's to
# change (removing what could identify someone) until it is published or returned. Only the
# moderator publishes, and only after the anonymisation check finds nothing (the services ask).
# Either may withdraw a story at any point, a published one included: a story found to
# identify someone after all is taken down at once, by whoever sees it.
TRANSITIONS: dict[tuple[Party, Step], tuple[frozenset[StoryState], StoryState | None]] = {
    (Party.AUTHOR, Step.EDIT): (frozenset({_S.DRAFT, _S.RETURNED}), None),
    (Party.AUTHOR, Step.SUBMIT): (frozenset({_S.DRAFT, _S.RETURNED}), _S.SUBMITTED),
    (Party.AUTHOR, Step.WITHDRAW): (_OPEN, _S.WITHDRAWN),
    (Party.MODERATOR, Step.EDIT): (frozenset({_S.SUBMITTED}), None),
    (Party.MODERATOR, Step.PUBLISH): (frozenset({_S.SUBMITTED}), _S.PUBLISHED),
    (Party.MODERATOR, Step.RETURN): (frozenset({_S.SUBMITTED}), _S.RETURNED),
    (Party.MODERATOR, Step.WITHDRAW): (_OPEN - {_S.DRAFT}, _S.WITHDRAWN),
}


def may(party: Party, step: Step, state: StoryState) -> bool:
    """Whether ``party`` may take ``step`` on a story in ``state``."""
    allowed = TRANSITIONS.get((party, step))
    return allowed is not None and state in allowed[0]


def after(party: Party, step: Step, state: StoryState) -> StoryState:
    """The state a story is in once ``party`` has taken ``step`` from ``state``.

    Raises:
        Conflict: the step is not open to this party in this state.
    """
    if not may(party, step, state):
        raise Conflict(f"a {state.value} story cannot be given the step {step.value}")
    _from, to = TRANSITIONS[(party, step)]
    return state if to is None else to


class Theme(StrEnum):
    """What a story is about: a fixed list, so stories can be found by it."""

    DOMESTIC_ABUSE = "domestic_abuse"
    NEGLECT = "neglect"
    PHYSICAL_ABUSE = "physical_abuse"
    SEXUAL_ABUSE = "sexual_abuse"
    EXPLOITATION = "exploitation"
    MENTAL_HEALTH = "mental_health"
    MISSING_EDUCATION = "missing_education"
    MISSING_FROM_HOME = "missing_from_home"
    EARLY_HELP = "early_help"
    ONLINE_HARM = "online_harm"
    HEALTH_ATTENDANCE = "health_attendance"
    SUBSTANCE_MISUSE = "substance_misuse"
    UNBORN_AND_BABIES = "unborn_and_babies"
    YOUNG_CARERS = "young_carers"

    @property
    def label(self) -> str:
        """The theme in the partnership's words."""
        return _THEME_LABELS[self]


_THEME_LABELS = {
    Theme.DOMESTIC_ABUSE: "Domestic abuse",
    Theme.NEGLECT: "Neglect",
    Theme.PHYSICAL_ABUSE: "Physical abuse",
    Theme.SEXUAL_ABUSE: "Sexual abuse",
    Theme.EXPLOITATION: "Exploitation (criminal or sexual)",
    Theme.MENTAL_HEALTH: "Mental health",
    Theme.MISSING_EDUCATION: "Missing education",
    Theme.MISSING_FROM_HOME: "Missing from home or care",
    Theme.EARLY_HELP: "Early help",
    Theme.ONLINE_HARM: "Online harm",
    Theme.HEALTH_ATTENDANCE: "Health attendances (A&E, GP, missed appointments)",
    Theme.SUBSTANCE_MISUSE: "Parental drug or alcohol use",
    Theme.UNBORN_AND_BABIES: "Unborn children and babies",
    Theme.YOUNG_CARERS: "Young carers",
}

# Each agency kind as a list names it, and as a published story says who told it: the kind
# of organisation, never the person or the organisation itself (a school's name, with the
# story, could identify the child).
_AGENCIES: dict[AgencyKind, tuple[str, str]] = {
    AgencyKind.CHILDRENS_SOCIAL_CARE: ("Children's social care", "children's social care"),
    AgencyKind.MASH: ("The MASH", "the MASH"),
    AgencyKind.EARLY_HELP: ("Early help", "an early help service"),
    AgencyKind.SCHOOL: ("School", "a school"),
    AgencyKind.EARLY_YEARS: ("Nursery or early years", "an early years setting"),
    AgencyKind.COLLEGE: ("College", "a college"),
    AgencyKind.GP: ("GP practice", "a GP practice"),
    AgencyKind.ACUTE_HEALTH: ("Hospital", "a hospital"),
    AgencyKind.COMMUNITY_HEALTH: ("Community health", "a community health service"),
    AgencyKind.MENTAL_HEALTH: ("Mental health service", "a mental health service"),
    AgencyKind.POLICE: ("Police", "the police"),
    AgencyKind.PROBATION: ("Probation", "the probation service"),
    AgencyKind.YOUTH_JUSTICE: ("Youth justice", "a youth justice service"),
    AgencyKind.HOUSING: ("Housing", "a housing service"),
    AgencyKind.VOLUNTARY_SECTOR: ("Voluntary sector", "a voluntary organisation"),
}


def agency_label(kind: AgencyKind) -> str:
    """An agency kind as a filter or a tag names it ("GP practice")."""
    return _AGENCIES[kind][0]


def told_by(kind: AgencyKind) -> str:
    """Who told a published story, as the kind of organisation ("a GP practice")."""
    return _AGENCIES[kind][1]


def search_words(*parts: str) -> str:
    """Words as the published list searches them: lower case, without accents or punctuation.

    Each word has a space before it, so a search for "neglect" finds "neglected" and not
    "unneglected" (the search looks for " neglect").
    """
    plain = unicodedata.normalize("NFKD", " ".join(parts).casefold())
    letters = "".join(c if c.isalnum() else " " for c in plain if not unicodedata.combining(c))
    return " " + " ".join(letters.split()) + " "


# The anonymisation check's findings (``shapes`` and ``names`` spot them; ``anonymisation``
# looks them up in the index).
class Kind(StrEnum):
    """The kinds of personal data the check looks for."""

    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    NHS_NUMBER = "nhs_number"
    UPN = "upn"
    POSTCODE = "postcode"
    ADDRESS = "address"

    @property
    def label(self) -> str:
        """What was found, in a sentence ("a name")."""
        return _LABELS[self][0]

    @property
    def advice(self) -> str:
        """What to change, in a sentence."""
        return _LABELS[self][1]


_LABELS = {
    Kind.NAME: (
        "a name",
        "Write a role or relationship instead (the child, mum, the class teacher), and a "
        "general word for a place (the town, the estate).",
    ),
    Kind.DATE_OF_BIRTH: (
        "a date (it could be a date of birth)",
        "Give an age or school year instead (a Year 5 pupil), or say when in general words "
        "(last spring).",
    ),
    Kind.NHS_NUMBER: ("an NHS number", "Take the number out."),
    Kind.UPN: ("a unique pupil number", "Take the number out."),
    Kind.POSTCODE: ("a postcode", "Take the postcode out, or say the area in general words."),
    Kind.ADDRESS: ("a street address", "Describe the home without its street or number."),
}


@dataclass(frozen=True, slots=True)
class Spotted:
    """A stretch of text that may be personal data, and how to look it up in the index.

    ``keys`` are normal forms: lower-case names (a word, its hyphenated parts, and the run of
    capitalised words it stands in), digits of an NHS number, a UPN, a postcode with one
    space, dates as ISO strings (every reading of an ambiguous one). ``looks_like`` says its
    shape alone blocks publication; otherwise only the index holding a key does.
    """

    kind: Kind
    start: int
    end: int
    text: str
    keys: frozenset[str]
    looks_like: bool
