"""An agency's roster as a CSV file: its format, every row checked, and the decisions file.

Pure: no database and no I/O. Every problem in a file is reported at once, by row and
column and in plain words, and never quotes the value that is wrong: a roster is personal
data, and the messages reach logs, screens and API clients.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from jigsaw.matching import PersonRecord
from jigsaw.matching.identifiers import (
    nhs_number_is_valid,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
    postcode_is_valid,
    upn_is_valid,
)

REQUIRED_COLUMNS = ("given_names", "family_name", "date_of_birth")
OPTIONAL_COLUMNS = (
    "local_id",
    "sex",
    "postcode",
    "nhs_number",
    "upn",
    "previous_family_names",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# About 250,000 rows of a typical roster; larger lists are split or linked with `jigsaw link`.
MAX_ROSTER_BYTES = 32 * 1024 * 1024
NAME_LENGTH = 200
PREVIOUS_NAMES_LENGTH = 400  # child_match_records.previous_family_names
LOCAL_ID_LENGTH = 64  # child_identifiers.value
EARLIEST_BIRTH = date(1900, 1, 1)
_COLUMN_SHOWN = 40
# Reports a problem with one column of the row being checked.
Fail = Callable[[str, str], None]

FORMAT_HELP = "\n\n".join(
    (
        "A roster is a CSV file in UTF-8 with a header row, one child per row.",
        "Required columns: given_names, family_name, date_of_birth (YYYY-MM-DD or DD/MM/YYYY).",
        "Optional columns: local_id (your own id for the child), sex (female, male or unknown; "
        'F, M or U), postcode, nhs_number, upn, previous_family_names (separated by "|").',
        "Every row is checked first: if any row has a problem, nothing is linked, and every "
        "problem is listed by row number and column.",
    )
)

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_SEXES = {
    "f": "female",
    "female": "female",
    "m": "male",
    "male": "male",
    "u": "unknown",
    "unknown": "unknown",
    "not known": "unknown",
    "not specified": "unknown",
}


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem with a roster: where (row and column; None for the whole file) and what."""

    row: int | None
    column: str | None
    message: str


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One child on a roster, checked and normalised. ``row_number`` counts the header as 1."""

    row_number: int
    given_names: str
    family_name: str
    date_of_birth: date
    local_id: str | None = None
    sex: str | None = None
    postcode: str | None = None
    nhs_number: str | None = None
    upn: str | None = None
    previous_family_names: tuple[str, ...] = ()

    def person(self) -> PersonRecord:
        """What the matcher compares for this row."""
        return PersonRecord(
            given_names=self.given_names,
            family_name=self.family_name,
            previous_family_names=self.previous_family_names,
            date_of_birth=self.date_of_birth,
            sex=self.sex,
            postcode=self.postcode,
            nhs_number=self.nhs_number,
            upn=self.upn,
        )

    def identity(self) -> dict[str, str]:
        """The row's identity fields as stored on a review (only those given)."""
        values = {
            "local_id": self.local_id,
            "given_names": self.given_names,
            "family_name": self.family_name,
            "previous_family_names": "|".join(self.previous_family_names),
            "date_of_birth": self.date_of_birth.isoformat(),
            "sex": self.sex,
            "postcode": self.postcode,
            "nhs_number": self.nhs_number,
            "upn": self.upn,
        }
        return {key: value for key, value in values.items() if value}

    @classmethod
    def from_identity(cls, row_number: int, identity: dict[str, str]) -> "RosterRow":
        """Rebuild a row from what ``identity`` stored."""
        previous = identity.get("previous_family_names", "")
        return cls(
            row_number=row_number,
            given_names=identity["given_names"],
            family_name=identity["family_name"],
            date_of_birth=date.fromisoformat(identity["date_of_birth"]),
            local_id=identity.get("local_id"),
            sex=identity.get("sex"),
            postcode=identity.get("postcode"),
            nhs_number=identity.get("nhs_number"),
            upn=identity.get("upn"),
            previous_family_names=tuple(previous.split("|")) if previous else (),
        )


@dataclass(frozen=True, slots=True)
class Roster:
    """A parsed roster: the rows that passed, and every problem found (none if it may be linked)."""

    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Each row's local id as given (when it fits), so a refusal can name rows the agency's way.
    local_ids: dict[int, str] = field(default_factory=dict)


def parse_roster(data: bytes, *, today: date) -> Roster:
    """Read and check a whole roster, collecting every problem rather than stopping at the first."""
    records, problem = _read(data)
    if problem is not None:
        return Roster(errors=[RowError(None, None, problem)])
    (_, header), body = records[0], records[1:]
    columns = [cell.strip().casefold() for cell in header]
    errors = _header_errors(columns)
    if errors:
        return Roster(errors=errors)
    if not body:
        return Roster(errors=[RowError(None, None, "The file has a header row but no children")])
    rows: list[RosterRow] = []
    first_seen: dict[str, int] = {}
    local_ids: dict[int, str] = {}
    for number, cells in body:
        given = dict(zip(columns, cells, strict=False)).get("local_id", "").strip()
        if given and len(given) <= LOCAL_ID_LENGTH:
            local_ids[number] = given
        row, problems = _check_row(number, columns, cells, today=today)
        if row is not None and row.local_id is not None:
            if row.local_id in first_seen:
                message = f"local_id is the same as row {first_seen[row.local_id]}'s"
                problems.append(RowError(number, "local_id", message))
            first_seen.setdefault(row.local_id, number)
        errors.extend(problems)
        if row is not None and not problems:
            rows.append(row)
    return Roster(rows=rows if not errors else [], errors=errors, local_ids=local_ids)


def _read(data: bytes) -> tuple[list[tuple[int, list[str]]], str | None]:
    """The file's non-blank records, or why it cannot be read as a roster at all."""
    if len(data) > MAX_ROSTER_BYTES:
        return [], f"The file is larger than {MAX_ROSTER_BYTES // (1024 * 1024)} MB"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], "The file is not UTF-8: save it as CSV UTF-8"
    try:
        records = list(_records(text))
    except csv.Error:
        return [], "The file is not a readable CSV file"
    return records, None if records else "The file is empty"


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank record with its row number as a spreadsheet shows it (header = 1)."""
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if any(cell.strip() for cell in cells):
            yield number, cells


def _header_errors(columns: list[str]) -> list[RowError]:
    errors = []
    seen: set[str] = set()
    for column in columns:
        if not column:
            continue  # an unnamed column is allowed while it stays empty (spreadsheet export)
        shown = column[:_COLUMN_SHOWN]
        if column not in COLUMNS:
            errors.append(
                RowError(1, shown, f"Unknown column: the columns are {', '.join(COLUMNS)}")
            )
        elif column in seen:
            errors.append(RowError(1, shown, "The column appears more than once"))
        seen.add(column)
    errors.extend(
        RowError(1, column, "The required column is missing")
        for column in REQUIRED_COLUMNS
        if column not in seen
    )
    return list(dict.fromkeys(errors))


def _check_row(
    number: int, columns: list[str], cells: list[str], *, today: date
) -> tuple[RosterRow | None, list[RowError]]:
    """Check one row; the row is None when a required value could not be read."""
    errors = []
    if len(cells) > len(columns):
        errors.append(RowError(number, None, "The row has more values than the header has columns"))
    pairs = list(zip(columns, cells, strict=False))
    values = {column: cell.strip() for column, cell in pairs if column}
    if any(cell.strip() for column, cell in pairs if not column):
        errors.append(RowError(number, None, "A value is in a column with no name in the header"))

    def fail(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    for column in REQUIRED_COLUMNS:
        if not values.get(column):
            fail(column, f"Enter the {column.replace('_', ' ')}")
    for column in ("given_names", "family_name"):
        if len(values.get(column, "")) > NAME_LENGTH:
            fail(column, f"The name is longer than {NAME_LENGTH} characters")
    born = _date_of_birth(values.get("date_of_birth", ""), today, fail)
    previous = tuple(
        name.strip() for name in values.get("previous_family_names", "").split("|") if name.strip()
    )
    if len("|".join(previous)) > PREVIOUS_NAMES_LENGTH or any(
        len(name) > NAME_LENGTH for name in previous
    ):
        fail("previous_family_names", "The previous family names are too long")
    local_id = values.get("local_id") or None
    if local_id is not None and len(local_id) > LOCAL_ID_LENGTH:
        fail("local_id", f"The local id is longer than {LOCAL_ID_LENGTH} characters")
    sex = _sex(values.get("sex", ""), fail)
    identifiers = _identifiers(values, fail)
    if errors or born is None:
        return None, errors
    row = RosterRow(
        row_number=number,
        given_names=values["given_names"],
        family_name=values["family_name"],
        date_of_birth=born,
        local_id=local_id,
        sex=sex,
        previous_family_names=previous,
        **identifiers,
    )
    return row, errors


def _date_of_birth(text: str, today: date, fail: Fail) -> date | None:
    if not text:
        return None
    iso, uk = _ISO_DATE.fullmatch(text), _UK_DATE.fullmatch(text)
    try:
        if iso:
            born = date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif uk:
            born = date(int(uk[3]), int(uk[2]), int(uk[1]))
        else:
            fail("date_of_birth", "Enter the date of birth as YYYY-MM-DD or DD/MM/YYYY")
            return None
    except ValueError:
        fail("date_of_birth", "The date of birth is not a real date")
        return None
    if born > today:
        fail("date_of_birth", "The date of birth is in the future")
        return None
    if born < EARLIEST_BIRTH:
        fail("date_of_birth", "The date of birth is before 1900")
        return None
    return born


def _sex(text: str, fail: Fail) -> str | None:
    if not text:
        return None
    sex = _SEXES.get(" ".join(text.casefold().split()))
    if sex is None:
        fail("sex", "Enter sex as female, male or unknown (or F, M or U)")
    return sex


def _identifiers(values: dict[str, str], fail: Fail) -> dict[str, str | None]:
    """The postcode, NHS number and UPN, normalised; a wrong one is reported, never corrected."""
    postcode = values.get("postcode") or None
    if postcode is not None and not postcode_is_valid(postcode):
        fail("postcode", "The postcode is not a valid UK postcode")
    nhs_number = values.get("nhs_number") or None
    if nhs_number is not None and not nhs_number_is_valid(nhs_number):
        fail("nhs_number", "The NHS number is not valid: 10 digits with a correct check digit")
    upn = values.get("upn") or None
    if upn is not None and not upn_is_valid(upn):
        fail("upn", "The UPN is not valid: a check letter then 12 characters")
    return {
        "postcode": normalise_postcode(postcode) if postcode else None,
        "nhs_number": normalise_nhs_number(nhs_number) if nhs_number else None,
        "upn": normalise_upn(upn) if upn else None,
    }
