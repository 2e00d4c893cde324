"""How one agency's record of a child comes to differ from another's: the usual slips.

Pure helpers on a ``random.Random``. Each returns ``None`` when the change cannot apply (a
name with no known short form, a birthday whose day is above 12), so callers can tell which
differences a record really carries. Short forms come from the matcher's own nickname table
(``jigsaw.matching.nicknames``), so Jacob becomes Jake exactly where the matcher knows them.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

from jigsaw.demo.records import DemoChild
from jigsaw.matching.nicknames import formal_variant_pairs

_MIN_TYPO_LENGTH = 3
_TYPO_IN_FAMILY_NAME = 0.6
_MONTHS = 12
# Letters next to each other on a UK keyboard: the commonest mistyped letter is a neighbour.
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


class Variation(StrEnum):
    """A way an agency's record of a child differs from the child's own record."""

    NICKNAME = "nickname"  # the name the child goes by: Jake for Jacob
    MIDDLE_NAMES_DROPPED = "middle_names_dropped"
    TYPO = "typo"  # one letter slipped in the given or family name
    NAMES_SWAPPED = "names_swapped"  # given and family name in each other's boxes
    PREVIOUS_SURNAME = "previous_surname"  # still under the surname the child used to have
    PART_OF_SURNAME = "part_of_surname"  # one half of a hyphenated surname
    DATE_TRANSPOSED = "date_transposed"  # day and month the wrong way round
    DATE_TYPO = "date_typo"  # the day one out
    OLD_POSTCODE = "old_postcode"  # the family has moved since; the agency has the old address
    NO_POSTCODE = "no_postcode"
    NO_NHS_NUMBER = "no_nhs_number"
    NO_SEX = "no_sex"


@cache
def _short_forms() -> dict[str, tuple[str, ...]]:
    """Each formal given name's short forms and variants, from the matcher's table."""
    forms: dict[str, list[str]] = {}
    for formal, variant in sorted(formal_variant_pairs()):
        forms.setdefault(formal, []).append(variant)
    return {formal: tuple(variants) for formal, variants in forms.items()}


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def nickname(rng: random.Random, given_names: str, preferred: str | None = None) -> str | None:
    """The name a child goes by instead of their given names, or None if there is none.

    Their preferred name, or else a short form of their first name (Jacob Oliver: "Jake").
    """
    if preferred:
        return preferred
    first = given_names.partition(" ")[0]
    forms = _short_forms().get(first.casefold())
    return _title(rng.choice(forms)) if forms else None


def first_name_only(given_names: str) -> str | None:
    """Given names without the middle names, or None when there are none to drop."""
    first, _, middle = given_names.partition(" ")
    return first if middle else None


def _neighbours(letter: str) -> str:
    for row in _KEYBOARD_ROWS:
        position = row.find(letter.lower())
        if position >= 0:
            return row[max(position - 1, 0) : position] + row[position + 1 : position + 2]
    return ""


def typo(rng: random.Random, name: str) -> str | None:
    """The name with one slip, or None if the name is too short to mistype.

    A neighbouring key, or a dropped, doubled or swapped letter, inside a word: initials are
    rarely wrong.
    """
    inside = [i for i in range(1, len(name)) if name[i].isalpha() and name[i - 1].isalpha()]
    if len(name) < _MIN_TYPO_LENGTH or not inside:
        return None
    at = rng.choice(inside)
    letter = name[at]
    kind = rng.choice(("neighbour", "drop", "double", "swap"))
    if kind == "neighbour" and _neighbours(letter):
        slipped = rng.choice(_neighbours(letter))
        changed = name[:at] + (slipped.upper() if letter.isupper() else slipped) + name[at + 1 :]
    elif kind == "double":
        changed = name[: at + 1] + letter + name[at + 1 :]
    elif kind == "swap" and at < len(name) - 1 and name[at + 1].isalpha():
        changed = name[:at] + name[at + 1] + letter + name[at + 2 :]
    else:
        changed = name[:at] + name[at + 1 :]
    return changed if changed.casefold() != name.casefold() else None


def transposed(born: date) -> date | None:
    """The date with day and month swapped (3 April read as 4 March), if that is a date."""
    if born.day > _MONTHS or born.day == born.month:
        return None
    return date(born.year, born.day, born.month)


def day_slip(rng: random.Random, born: date, *, today: date) -> date | None:
    """The date with the day one out, kept in the same month and not in the future."""
    earlier, later = born - timedelta(days=1), born + timedelta(days=1)
    options = [d for d in (earlier, later) if d.month == born.month and d <= today]
    return rng.choice(options) if options else None


def part_of_surname(rng: random.Random, family_name: str) -> str | None:
    """One half of a hyphenated surname (Smith-Okafor: "Okafor"), or None if not hyphenated."""
    parts = [part for part in family_name.split("-") if part]
    return rng.choice(parts) if len(parts) > 1 else None


@dataclass(slots=True)
class Draft:
    """A child's details as one agency writes them down, and how they came to differ.

    ``address_key`` None means no address was taken; ``sex`` "unknown" means none was.
    """

    given_names: str
    family_name: str
    previous_family_names: tuple[str, ...]
    date_of_birth: date
    sex: str
    address_key: str | None
    nhs_number: str | None
    upn: str | None
    child: DemoChild
    variations: list[Variation] = field(default_factory=list)

    @classmethod
    def of(cls, child: DemoChild) -> "Draft":
        """Start from the child's own record."""
        return cls(
            given_names=child.given_names,
            family_name=child.family_name,
            previous_family_names=tuple(filter(None, [child.previous_family_name])),
            date_of_birth=child.date_of_birth,
            sex=child.sex,
            address_key=child.address_key,
            nhs_number=child.nhs_number,
            upn=child.upn,
            child=child,
        )

    def vary(self, variation: Variation, rng: random.Random, *, today: date) -> bool:
        """Make one slip if it applies to this child, and say whether it did."""
        applied = _SLIPS[variation](self, rng, today)
        if applied:
            self.variations.append(variation)
        return applied


def _nickname(draft: Draft, rng: random.Random, _today: date) -> bool:
    name = nickname(rng, draft.given_names, draft.child.preferred_name)
    if name is None or name == draft.given_names.partition(" ")[0]:
        return False
    draft.given_names = name
    return True


def _middle_names_dropped(draft: Draft, _rng: random.Random, _today: date) -> bool:
    first = first_name_only(draft.given_names)
    if first is not None:
        draft.given_names = first
    return first is not None


def _typo(draft: Draft, rng: random.Random, _today: date) -> bool:
    if rng.random() < _TYPO_IN_FAMILY_NAME:
        slipped = typo(rng, draft.family_name)
        if slipped is not None:
            draft.family_name = slipped
    else:
        first, space, middle = draft.given_names.partition(" ")
        slipped = typo(rng, first)
        if slipped is not None:
            draft.given_names = slipped + space + middle
    return slipped is not None


def _names_swapped(draft: Draft, _rng: random.Random, _today: date) -> bool:
    draft.given_names, draft.family_name = draft.family_name, draft.given_names.partition(" ")[0]
    return True


def _previous_surname(draft: Draft, _rng: random.Random, _today: date) -> bool:
    old = draft.child.previous_family_name
    if old is None or old == draft.family_name:
        return False
    draft.family_name, draft.previous_family_names = old, ()
    return True


def _part_of_surname(draft: Draft, rng: random.Random, _today: date) -> bool:
    part = part_of_surname(rng, draft.family_name)
    if part is not None:
        draft.family_name = part
    return part is not None


def _date_transposed(draft: Draft, _rng: random.Random, today: date) -> bool:
    swapped = transposed(draft.date_of_birth)
    if swapped is None or swapped > today:
        return False
    draft.date_of_birth = swapped
    return True


def _date_typo(draft: Draft, rng: random.Random, today: date) -> bool:
    slipped = day_slip(rng, draft.date_of_birth, today=today)
    if slipped is not None:
        draft.date_of_birth = slipped
    return slipped is not None


def _old_postcode(draft: Draft, _rng: random.Random, _today: date) -> bool:
    old = draft.child.previous_address_key
    if old is None or draft.address_key is None:
        return False
    draft.address_key = old
    return True


def _no_postcode(draft: Draft, _rng: random.Random, _today: date) -> bool:
    draft.address_key = None
    return True


def _no_nhs_number(draft: Draft, _rng: random.Random, _today: date) -> bool:
    had = draft.nhs_number is not None
    draft.nhs_number = None
    return had


def _no_sex(draft: Draft, _rng: random.Random, _today: date) -> bool:
    had = draft.sex != "unknown"
    draft.sex = "unknown"
    return had


_SLIPS: dict[Variation, Callable[[Draft, random.Random, date], bool]] = {
    Variation.NICKNAME: _nickname,
    Variation.MIDDLE_NAMES_DROPPED: _middle_names_dropped,
    Variation.TYPO: _typo,
    Variation.NAMES_SWAPPED: _names_swapped,
    Variation.PREVIOUS_SURNAME: _previous_surname,
    Variation.PART_OF_SURNAME: _part_of_surname,
    Variation.DATE_TRANSPOSED: _date_transposed,
    Variation.DATE_TYPO: _date_typo,
    Variation.OLD_POSTCODE: _old_postcode,
    Variation.NO_POSTCODE: _no_postcode,
    Variation.NO_NHS_NUMBER: _no_nhs_number,
    Variation.NO_SEX: _no_sex,
}
