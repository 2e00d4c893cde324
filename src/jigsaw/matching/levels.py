"""The comparison levels: for each field, how closely a query and a candidate agree.

Each level's value is the key used in the model's parameter file, so renaming a value is a
change to the model format. Levels are listed from strongest to weakest agreement.
"""

from enum import StrEnum


class Field(StrEnum):
    """The fields the scorer compares, named as in the model's parameter file."""

    GIVEN_NAME = "given_name"
    FAMILY_NAME = "family_name"
    DATE_OF_BIRTH = "date_of_birth"
    POSTCODE = "postcode"
    SEX = "sex"
    NHS_NUMBER = "nhs_number"
    UPN = "upn"
    ADDRESS = "address"
    OTHER_IDENTIFIER = "other_identifier"


class GivenNameLevel(StrEnum):
    """How the first given names compare."""

    EXACT = "exact"
    NICKNAME = "nickname"
    JARO_WINKLER_92 = "jaro_winkler_92"
    JARO_WINKLER_85 = "jaro_winkler_85"
    PHONETIC = "phonetic"
    SWAPPED = "swapped"
    DIFFERENT = "different"
    MISSING = "missing"


class FamilyNameLevel(StrEnum):
    """How the family names compare, including their parts and previous family names."""

    EXACT = "exact"
    PART = "part"
    PREVIOUS = "previous"
    JARO_WINKLER_92 = "jaro_winkler_92"
    JARO_WINKLER_85 = "jaro_winkler_85"
    PHONETIC = "phonetic"
    DIFFERENT = "different"
    MISSING = "missing"


class DateOfBirthLevel(StrEnum):
    """How the dates of birth compare."""

    EXACT = "exact"
    DAY_MONTH_TRANSPOSED = "day_month_transposed"
    ONE_OFF = "one_off"
    SAME_YEAR_MONTH = "same_year_month"
    DIFFERENT = "different"
    MISSING = "missing"


class PostcodeLevel(StrEnum):
    """How the postcodes compare: whole postcode, sector ("EM4 2") or district ("EM4")."""

    EXACT = "exact"
    SAME_SECTOR = "same_sector"
    SAME_DISTRICT = "same_district"
    DIFFERENT = "different"
    MISSING = "missing"


class SexLevel(StrEnum):
    """How the recorded sexes compare."""

    SAME = "same"
    DIFFERENT = "different"
    MISSING = "missing"


class IdentifierLevel(StrEnum):
    """How an identifier (NHS number or UPN) compares; missing if either side lacks it."""

    SAME = "same"
    CONFLICTING = "conflicting"
    MISSING = "missing"


class AddressLevel(StrEnum):
    """How the first lines of the addresses compare, ignoring case, spaces and punctuation."""

    EXACT = "exact"
    JARO_WINKLER_92 = "jaro_winkler_92"
    JARO_WINKLER_85 = "jaro_winkler_85"
    DIFFERENT = "different"
    MISSING = "missing"


class OtherIdentifierLevel(StrEnum):
    """How another identifier compares: same, one character mistyped, or different."""

    SAME = "same"
    ONE_EDIT = "one_edit"
    DIFFERENT = "different"
    MISSING = "missing"


Level = (
    GivenNameLevel
    | FamilyNameLevel
    | DateOfBirthLevel
    | PostcodeLevel
    | SexLevel
    | IdentifierLevel
    | AddressLevel
    | OtherIdentifierLevel
)

LEVELS_BY_FIELD: dict[Field, type[StrEnum]] = {
    Field.GIVEN_NAME: GivenNameLevel,
    Field.FAMILY_NAME: FamilyNameLevel,
    Field.DATE_OF_BIRTH: DateOfBirthLevel,
    Field.POSTCODE: PostcodeLevel,
    Field.SEX: SexLevel,
    Field.NHS_NUMBER: IdentifierLevel,
    Field.UPN: IdentifierLevel,
    Field.ADDRESS: AddressLevel,
    Field.OTHER_IDENTIFIER: OtherIdentifierLevel,
}

# Fields a model file may leave out (files written before they existed): they weigh nothing.
OPTIONAL_FIELDS = frozenset({Field.ADDRESS, Field.OTHER_IDENTIFIER})
