"""The identity facts the matcher compares: one frozen record per child, query or candidate."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """What the scorer knows about one child, as typed or as stored.

    Values are kept as entered; the comparisons normalise them, so a record can be built straight
    from a search form or from the child index. Any field may be missing (None or empty), and a
    missing field is neither evidence for nor against a match.

    Attributes:
        given_names: all given names in order, e.g. "Jacob Oliver"; the first is the one used.
        family_name: the current family name; hyphenated and double-barrelled names are allowed.
        previous_family_names: earlier family names, e.g. before a change of carer.
        date_of_birth: the date of birth, if known.
        sex: the recorded sex as a free string ("male", "F", ...), compared case-insensitively.
        postcode: the current postcode, in any spacing or case.
        nhs_number: the NHS number, in any spacing.
        upn: the Unique Pupil Number.
        household_key: an opaque key shared by children recorded at the same household.
        address_line: the first line of the address ("12 Oak Road"), where a roster has it.
        other_identifier: any other identifier both records may hold from the same issuer,
            written with its issuer ("police:1234567") so that numbers from different
            agencies never meet; FEBRL's social security number is one.
    """

    given_names: str
    family_name: str
    previous_family_names: tuple[str, ...] = ()
    date_of_birth: date | None = None
    sex: str | None = None
    postcode: str | None = None
    nhs_number: str | None = None
    upn: str | None = None
    household_key: str | None = None
    address_line: str | None = None
    other_identifier: str | None = None
