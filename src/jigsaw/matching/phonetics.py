"""Phonetic codes for names: Soundex (jellyfish) and Double Metaphone (the metaphone package).

Soundex is coarse and English-centred; Double Metaphone gives a primary and an alternative code
and copes better with names from other languages ("Schmidt" sounds like "Smith"). Two names
match phonetically when either algorithm gives them a code in common.
"""

from collections.abc import Callable
from functools import lru_cache
from typing import cast

import jellyfish
import metaphone  # type: ignore[import-untyped]

from jigsaw.matching.normalise import compact_name

_double_metaphone = cast("Callable[[str], tuple[str, str]]", metaphone.doublemetaphone)


@lru_cache(maxsize=65_536)
def soundex(name: str) -> str:
    """Give the Soundex code of a name, e.g. "S530" for "Smith", or "" when it has no letters."""
    compact = compact_name(name)
    return jellyfish.soundex(compact) if compact else ""


@lru_cache(maxsize=65_536)
def double_metaphone(name: str) -> tuple[str, ...]:
    """Give the distinct Double Metaphone codes of a name, primary first: ("SM0", "XMT")."""
    compact = compact_name(name)
    if not compact:
        return ()
    codes = _double_metaphone(compact)
    return tuple(dict.fromkeys(code for code in codes if code))


def primary_metaphone(name: str) -> str:
    """Give the primary Double Metaphone code of a name, or "" when it has none."""
    codes = double_metaphone(name)
    return codes[0] if codes else ""


def sound_alike(first: str, second: str) -> bool:
    """Tell whether two names share a Double Metaphone code or a Soundex code."""
    if set(double_metaphone(first)) & set(double_metaphone(second)):
        return True
    code = soundex(first)
    return bool(code) and code == soundex(second)
