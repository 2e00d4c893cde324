"""Blocking keys: the few index entries a record is stored under and searched by.

Scoring every child in the index against every search is too slow, so the database keeps, for
each record, the keys below, and a search fetches only candidates sharing at least one key with
the query. The keys are chosen so that one wrong or missing field never loses the true match,
while each key stays narrow enough that a search of a million children scores a few dozen:

=============================================  ===============================================
key                                            still shared when ...
=============================================  ===============================================
``nhs:<digits>``                               anything but the NHS number is wrong
``upn:<upn>``                                  anything but the UPN is wrong
``dob:<yyyy-mm-dd>+gk:<given key>``            the family name is wrong or has changed
``dobym:<yyyy-mm>+sdx:<soundex family>+gi:    the day is wrong and the given name is
<first letter of the given name>``             misspelt after its first letter
``pc:<postcode>+gk:<given key>``               the date of birth is wrong or missing
``gk:<given key>+dmf:<metaphone family>+       the date of birth is transposed or the day or
yob:<yyyy>``                                   month is wrong, and the postcode has changed
``dmy:<yyyy>-<dd|mm>-<mm|dd>+sdx:<soundex      the given name is wrong ("Simmy" for "Simran")
family>`` (day and month in either order)      or the child has moved, even with the day and
                                               month swapped
=============================================  ===============================================

A given name's keys are its primary Double Metaphone code and, for a name in the nickname
table, the formal name of each of its groups ("Jake" and "Jacob" both give ``=jacob``), so a
nickname keeps every key a misspelling would. Family-name keys are made for every part of a
double-barrelled name and for previous family names, so "Smith" finds "Smith-Jones". Phonetic
codes (Soundex, primary Double Metaphone) absorb many spelling slips.

A date of birth alone is not a key: at a million children about 150 share each birthday.

Keys hold personal data (dates of birth, postcodes, identifiers): store them like the record
itself and never log them.
"""

from jigsaw.matching.nicknames import groups_of
from jigsaw.matching.normalise import (
    clean_nhs_number,
    clean_postcode,
    clean_upn,
    compact_name,
    first_given_name,
    name_parts,
)
from jigsaw.matching.phonetics import primary_metaphone, soundex
from jigsaw.matching.records import PersonRecord


def _family_names(record: PersonRecord) -> set[str]:
    """Give the whole family name, its parts and previous family names, normalised."""
    names = {compact_name(record.family_name), *name_parts(record.family_name)}
    for previous in record.previous_family_names:
        names |= {compact_name(previous), *name_parts(previous)}
    names.discard("")
    return names


def _identifier_keys(record: PersonRecord) -> set[str]:
    """Give the keys from identifiers, which are exact by nature."""
    keys = set()
    if nhs := clean_nhs_number(record.nhs_number):
        keys.add(f"nhs:{nhs}")
    if upn := clean_upn(record.upn):
        keys.add(f"upn:{upn}")
    return keys


def given_keys(record: PersonRecord) -> set[str]:
    """Give the keys of the first given name: its sound, and its nickname groups' formal names."""
    given = first_given_name(record.given_names)
    if not given:
        return set()
    keys = {f"={formal}" for formal in groups_of(given)}
    if code := primary_metaphone(given):
        keys.add(code)
    return keys


def _date_keys(record: PersonRecord, families: set[str], givens: set[str]) -> set[str]:
    """Give the date-of-birth keys, each narrowed by a family or given name."""
    dob = record.date_of_birth
    if dob is None:
        return set()
    sounds = {soundex(name) for name in families} - {""}
    keys = {f"dob:{dob.isoformat()}+gk:{given}" for given in givens}
    month = f"{dob.year:04d}-{dob.month:02d}"
    if initial := first_given_name(record.given_names)[:1]:
        keys |= {f"dobym:{month}+sdx:{code}+gi:{initial}" for code in sounds}
    # Day and month in either order, so that a swap keeps the key.
    low, high = sorted((dob.day, dob.month))
    keys |= {f"dmy:{dob.year:04d}-{low:02d}-{high:02d}+sdx:{code}" for code in sounds}
    return keys


def _name_keys(record: PersonRecord, families: set[str], givens: set[str]) -> set[str]:
    """Give the keys built on the given name: with postcode, and with family and year."""
    keys = set()
    if postcode := clean_postcode(record.postcode):
        keys |= {f"pc:{postcode}+gk:{given}" for given in givens}
    if record.date_of_birth is not None:
        year = f"{record.date_of_birth.year:04d}"
        codes = {primary_metaphone(name) for name in families} - {""}
        keys |= {f"gk:{given}+dmf:{code}+yob:{year}" for given in givens for code in codes}
    return keys


def blocking_keys(record: PersonRecord) -> set[str]:
    """Give the blocking keys the child index stores for a record and searches by."""
    families = _family_names(record)
    givens = given_keys(record)
    return (
        _identifier_keys(record)
        | _date_keys(record, families, givens)
        | _name_keys(record, families, givens)
    )
