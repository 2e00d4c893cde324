"""The glossary's vocabulary, pure: agency groups, a term, its checks, and its explanation.

A term is explained to a reader in their agency group's words: the plain definition and,
when the term is not their group's own, the nearest thing their group calls it
(guidance.md §5 and §5.1). Organisations outside the four groups (housing, the voluntary
sector) read the plain definition.
"""

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from jigsaw.access.vocabulary import AgencyKind


class AgencyGroup(StrEnum):
    """The agencies that share a working language about children."""

    SOCIAL_CARE = "social_care"
    POLICE = "police"
    HEALTH = "health"
    EDUCATION = "education"

    @property
    def label(self) -> str:
        """The group as a sentence says it: "In police terms"."""
        return _GROUP_LABELS[self]


_GROUP_LABELS: Final = {
    AgencyGroup.SOCIAL_CARE: "children\u2019s social care",
    AgencyGroup.POLICE: "police",
    AgencyGroup.HEALTH: "health",
    AgencyGroup.EDUCATION: "education",
}
GROUP_OF: Final[Mapping[AgencyKind, AgencyGroup]] = MappingProxyType(
    {
        AgencyKind.CHILDRENS_SOCIAL_CARE: AgencyGroup.SOCIAL_CARE,
        AgencyKind.MASH: AgencyGroup.SOCIAL_CARE,
        AgencyKind.EARLY_HELP: AgencyGroup.SOCIAL_CARE,
        AgencyKind.POLICE: AgencyGroup.POLICE,
        AgencyKind.PROBATION: AgencyGroup.POLICE,
        AgencyKind.YOUTH_JUSTICE: AgencyGroup.POLICE,
        AgencyKind.GP: AgencyGroup.HEALTH,
        AgencyKind.ACUTE_HEALTH: AgencyGroup.HEALTH,
        AgencyKind.COMMUNITY_HEALTH: AgencyGroup.HEALTH,
        AgencyKind.MENTAL_HEALTH: AgencyGroup.HEALTH,
        AgencyKind.SCHOOL: AgencyGroup.EDUCATION,
        AgencyKind.EARLY_YEARS: AgencyGroup.EDUCATION,
        AgencyKind.COLLEGE: AgencyGroup.EDUCATION,
    }
)


KIND_LABELS: Final[Mapping[AgencyKind, str]] = MappingProxyType(
    {
        AgencyKind.CHILDRENS_SOCIAL_CARE: "Children\u2019s social care",
        AgencyKind.MASH: "MASH",
        AgencyKind.EARLY_HELP: "Early help",
        AgencyKind.SCHOOL: "School",
        AgencyKind.EARLY_YEARS: "Early years setting",
        AgencyKind.COLLEGE: "College",
        AgencyKind.GP: "GP practice",
        AgencyKind.ACUTE_HEALTH: "Hospital trust",
        AgencyKind.COMMUNITY_HEALTH: "Community health",
        AgencyKind.MENTAL_HEALTH: "Mental health",
        AgencyKind.POLICE: "Police",
        AgencyKind.PROBATION: "Probation",
        AgencyKind.YOUTH_JUSTICE: "Youth justice",
        AgencyKind.HOUSING: "Housing",
        AgencyKind.VOLUNTARY_SECTOR: "Voluntary sector",
    }
)


def group_of(kind: AgencyKind | None) -> AgencyGroup | None:
    """The reader's agency group; None (the plain definition) for housing and the rest."""
    return GROUP_OF.get(kind) if kind is not None else None


KEY_MAX = 60
TERM_MAX = 120
DEFINITION_MAX = 1_000
FORM_MAX = 80
SYNONYM_MAX = 120
NEAREST_MAX = 400
NOTE_MAX = 1_000
# The glossary's own pages live beside its terms' pages: no term may take their addresses.
RESERVED_KEYS: Final = frozenset({"new", "import", "history", "risk-levels"})
_KEY: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LETTERS: Final = re.compile(r"[^\W_]", re.UNICODE)
SEPARATOR = ";"


@dataclass(frozen=True, slots=True)
class Term:
    """One entry of the glossary.

    ``forms`` are what the recogniser finds in text, in any case; ``exact_forms`` only in
    the case written ("Prevent" the programme, not the verb). A term with neither is in
    the glossary but never found in text ("Contact": too common a word).
    """

    key: str
    term: str
    definition: str
    forms: tuple[str, ...] = ()
    exact_forms: tuple[str, ...] = ()
    used_by: tuple[AgencyGroup, ...] = ()
    synonyms: tuple[str, ...] = ()
    nearest: tuple[tuple[AgencyGroup, str], ...] = ()
    retired: bool = False

    def nearest_for(self, group: AgencyGroup) -> str:
        """What ``group`` calls the nearest thing, or "" when the glossary does not say."""
        return next((words for g, words in self.nearest if g is group), "")

    def recognised_forms(self) -> Iterator[tuple[str, str, bool]]:
        """(form, key, match case) for the recogniser; nothing for a retired term."""
        if self.retired:
            return
        for form in self.forms:
            yield form, self.key, False
        for form in self.exact_forms:
            yield form, self.key, True


@dataclass(frozen=True, slots=True)
class Explanation:
    """A term explained to one reader: the definition, and their group's nearest words."""

    key: str
    term: str
    definition: str
    group: AgencyGroup | None
    nearest: str  # "" when the term is the reader's group's own, or nothing is nearer

    @property
    def in_your_terms(self) -> str:
        """The nearest words with their group ("In police terms: …"), or "" if none."""
        if self.group is None or not self.nearest:
            return ""
        return f"In {self.group.label} terms: {self.nearest}"


def explain(term: Term, group: AgencyGroup | None) -> Explanation:
    """The term in the reader's words: their group's own terms need only the definition."""
    own = group is None or group in term.used_by
    nearest = "" if own or group is None else term.nearest_for(group)
    return Explanation(term.key, term.term, term.definition, group, nearest)


def split_list(text: str) -> tuple[str, ...]:
    """A field of several values ("s47; section 47"), trimmed, blanks and repeats dropped."""
    return tuple(dict.fromkeys(part.strip() for part in text.split(SEPARATOR) if part.strip()))


def join_list(values: Iterable[str]) -> str:
    """The other way: a list as one field, "; " between."""
    return f"{SEPARATOR} ".join(values)


def check_term(term: Term) -> dict[str, str]:
    """Every problem with one term, by field, in words an administrator can act on."""
    problems: dict[str, str] = {}
    if not term.key:
        problems["key"] = "Enter a key"
    elif len(term.key) > KEY_MAX or not _KEY.fullmatch(term.key):
        problems["key"] = (
            f"The key must be {KEY_MAX} characters or fewer: lower-case letters and digits, "
            "with single hyphens between words"
        )
    elif term.key in RESERVED_KEYS:
        problems["key"] = "That key is the address of one of the glossary's own pages"
    _check_text(problems, "term", term.term, TERM_MAX, "Enter the term")
    _check_text(problems, "definition", term.definition, DEFINITION_MAX, "Enter a definition")
    for field, values, most in (("forms", term.forms, FORM_MAX),
                                ("exact_forms", term.exact_forms, FORM_MAX),
                                ("synonyms", term.synonyms, SYNONYM_MAX)):  # fmt: skip
        long = [v for v in values if len(v) > most]
        if long:
            problems[field] = f"Each must be {most} characters or fewer"
        elif any(not _LETTERS.search(v) for v in values):
            problems[field] = "Each must have a letter or a digit in it"
    for group, words in term.nearest:
        if len(words) > NEAREST_MAX:
            problems[f"nearest_{group.value}"] = f"Must be {NEAREST_MAX} characters or fewer"
    return problems


def _check_text(problems: dict[str, str], field: str, value: str, most: int, empty: str) -> None:
    if not value.strip():
        problems[field] = empty
    elif len(value) > most:
        problems[field] = f"Must be {most} characters or fewer"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a glossary file: where (row, counting the header as 1; column) and what."""

    row: int | None
    column: str | None
    message: str


def form_clashes(terms: Iterable[Term]) -> Iterator[tuple[Term, str, str]]:
    """(term, form, other term's key) for each form another live term already has.

    Two terms cannot share a form: the reader would not know which was meant. Forms are
    compared in lower case, except two exact-case forms, which differ if written differently.
    """
    seen: dict[str, list[tuple[str, str, bool]]] = {}
    for term in terms:
        if term.retired:
            continue
        for form, key, exact in term.recognised_forms():
            claims = seen.setdefault(form.casefold(), [])
            other = next((k for f, k, e in claims if k != key and not (exact and e and f != form)),
                         None)  # fmt: skip
            if other is not None:
                yield term, form, other
            claims.append((form, key, exact))


def check_glossary(terms: list[Term], first_row: int = 2) -> list[Problem]:
    """Every problem in a whole glossary: each term's, repeated keys, shared forms."""
    problems: list[Problem] = []
    rows: dict[str, int] = {}
    for number, term in enumerate(terms, start=first_row):
        problems.extend(Problem(number, field, message)
                        for field, message in check_term(term).items())  # fmt: skip
        if term.key in rows:
            problems.append(Problem(number, "key", f"The key is also on row {rows[term.key]}"))
        rows.setdefault(term.key, number)
    for term, form, other in form_clashes(terms):
        column = "exact_forms" if form in term.exact_forms else "forms"
        problems.append(Problem(rows[term.key], column,
                                f"“{form}” is already a form of the term “{other}”"))  # fmt: skip
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))
