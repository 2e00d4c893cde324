"""Blocking keys: the few index entries a record is stored under and searched by.

Scoring every child in the index against every search is too slow, so the database keeps, for
each record, the keys below, and a search fetches only candidates sharing at least one key with
the query. The keys are chosen so that one wrong or missing field never loses the true match:

=============================================  ===============================================
key                                            still shared when ...
=============================================  ===============================================
``nhs:<digits>``                               anything but the NHS number is wrong
``upn:<upn>``                                  anything but the UPN is wrong
``dob:<yyyy-mm-dd>``                           a name is mistyped or the child has moved
``dobym:<yyyy-mm>+sdx:<soundex family>``       the day is wrong or the given name differs
``pc:<postcode>+dmg:<metaphone given>``        the date of birth is wrong or missing
``dmg:<metaphone given>+dmf:<metaphone         the date of birth is transposed or the day or
family>+yob:<yyyy>``                           month is wrong, and the postcode has changed
=============================================  ===============================================

A typo in the given name keeps ``dob``; a transposed date keeps ``pc+dmg`` and ``dmg+dmf+yob``;
a new postcode keeps ``dob``; a missing NHS number keeps all the others. Family-name keys are
made for every part of a double-barrelled name and for previous family names, so "Smith" finds
"Smith-Jones". Phonetic codes (Soundex, primary Double Metaphone) absorb many spelling slips.

Keys hold personal data (dates of birth, postcodes, identifiers): store them like the record
itself and never log them.
"""

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


def _date_keys(record: PersonRecord, families: set[str]) -> set[str]:
    """Give the date-of-birth keys: the whole date, and year-month with a family Soundex."""
    dob = record.date_of_birth
    if dob is None:
        return set()
    keys = {f"dob:{dob.isoformat()}"}
    month = f"{dob.year:04d}-{dob.month:02d}"
    keys |= {f"dobym:{month}+sdx:{soundex(name)}" for name in families if soundex(name)}
    # Year and family sound: survives a wrong first name together with a day/month mix-up.
    keys |= {f"yob:{dob.year:04d}+sdx:{soundex(name)}" for name in families if soundex(name)}
    return keys


def _name_keys(record: PersonRecord, families: set[str]) -> set[str]:
    """Give the keys built on the given name's sound: with postcode, and with family and year."""
    given = primary_metaphone(first_given_name(record.given_names))
    if not given:
        return set()
    keys = set()
    if postcode := clean_postcode(record.postcode):
        keys.add(f"pc:{postcode}+dmg:{given}")
    if record.date_of_birth is not None:
        year = f"{record.date_of_birth.year:04d}"
        codes = {primary_metaphone(name) for name in families} - {""}
        keys |= {f"dmg:{given}+dmf:{code}+yob:{year}" for code in codes}
    return keys


def blocking_keys(record: PersonRecord) -> set[str]:
    """Give the blocking keys the child index stores for a record and searches by."""
    families = _family_names(record)
    return _identifier_keys(record) | _date_keys(record, families) | _name_keys(record, families)
