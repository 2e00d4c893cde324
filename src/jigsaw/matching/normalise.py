"""Put names, postcodes and identifiers into the one form the comparisons and blocking keys use.

Names are casefolded, stripped of accents and punctuation ("O'Brien" → "obrien"), and split on
hyphens and spaces, so a double-barrelled family name can be compared part by part. Postcodes
and NHS numbers reuse the children capability's rules (guidance.md §6.1, §6.2), so the index and
the matcher never disagree about what "the same postcode" means.
"""

import re
import unicodedata
from functools import lru_cache

# The pure identifier rules, not the capability: children uses matching to find children.
from jigsaw.matching.identifiers import normalise_nhs_number, normalise_postcode, normalise_upn

# Hyphen-minus, the Unicode hyphens and dashes (U+2010 to U+2015), spaces and a few slips.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_/.,]+")
# Latin letters that NFKD does not decompose into a base letter plus an accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"})
_INWARD_LENGTH = 3
# Values agencies send; "unknown" and anything else are treated as missing, not as a third sex.
_SEXES = {"f": "female", "female": "female", "m": "male", "male": "male"}


# Names repeat across the index (and a search scores one name against hundreds), so the
# normalised forms are remembered; the cache is bounded and holds no more than the index does.
@lru_cache(maxsize=65_536)
def name_parts(text: str | None) -> tuple[str, ...]:
    """Split a name into normalised parts: "Smith-Jones" and "smith jones" give ("smith", "jones").

    Accents are removed ("Zoë" → "zoe"), apostrophes and other punctuation are dropped
    ("O'Brien" → "obrien"), and hyphens, dashes and spaces separate parts.
    """
    if not text:
        return ()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.translate(_UNDECOMPOSED)
    parts = ("".join(filter(str.isalpha, part)) for part in _SEPARATORS.split(plain))
    return tuple(part for part in parts if part)


def normalise_name(text: str | None) -> str:
    """Give a whole name in normalised form, parts joined by single spaces ("" when missing)."""
    return " ".join(name_parts(text))


def first_given_name(given_names: str | None) -> str:
    """Give the normalised first given name, the one practitioners search by ("" when missing).

    A hyphenated first name stays one name: "Jo-Anne Louise" gives "joanne".
    """
    words = (given_names or "").split()
    return compact_name(words[0]) if words else ""


@lru_cache(maxsize=65_536)
def compact_name(text: str | None) -> str:
    """Give a name with its parts run together: "Smith-Jones" gives "smithjones"."""
    return "".join(name_parts(text))


def clean_postcode(text: str | None) -> str:
    """Give the normalised postcode, "EM4 2XY", or "" when missing."""
    return normalise_postcode(text) if text and text.strip() else ""


def postcode_district(text: str | None) -> str:
    """Give the outward code or postal district, "EM4" for "em42xy" ("" when missing)."""
    postcode = clean_postcode(text)
    return postcode.split(" ")[0] if " " in postcode else ""


def postcode_sector(text: str | None) -> str:
    """Give the postcode sector, the district plus the inward digit: "EM4 2" for "EM4 2XY"."""
    postcode = clean_postcode(text)
    if " " not in postcode:
        return ""
    outward, inward = postcode.split(" ")
    return f"{outward} {inward[0]}" if len(inward) == _INWARD_LENGTH else ""


def clean_nhs_number(text: str | None) -> str:
    """Give the NHS number as bare digits, or "" when missing (never auto-corrected, §6.1)."""
    return normalise_nhs_number(text) if text else ""


def clean_upn(text: str | None) -> str:
    """Give the normalised Unique Pupil Number, or "" when missing."""
    return normalise_upn(text) if text and text.strip() else ""


def clean_sex(text: str | None) -> str:
    """Give "female" or "male", or "" when the sex is missing or recorded as unknown."""
    value = (text or "").strip().casefold()
    return _SEXES.get(value, "")


def clean_address(text: str | None) -> str:
    """Give an address line as its letters and digits only: "12 Oak Road" gives "12oakroad"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def clean_identifier(text: str | None) -> str:
    """Give another identifier without spaces, in capitals, or "" when missing."""
    return "".join((text or "").split()).upper()
