"""The glossary as a CSV file: written out, and read back with every problem named.

Pure. A file is read whole before anything changes: every row is checked, every problem is
named by row (the header is row 1) and column, and one wrong row means nothing is applied.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from jigsaw.glossary.rules import (
    AgencyGroup,
    Problem,
    Term,
    check_glossary,
    join_list,
    split_list,
)

NEAREST_COLUMNS = tuple(f"nearest_{group.value}" for group in AgencyGroup)
REQUIRED_COLUMNS = ("key", "term", "definition")
COLUMNS = (
    *REQUIRED_COLUMNS,
    "forms",
    "exact_forms",
    "used_by",
    "synonyms",
    *NEAREST_COLUMNS,
    "retired",
)
MAX_BYTES = 2 * 1024 * 1024
_YES = {"yes", "y", "true", "1"}
_NO = {"", "no", "n", "false", "0"}
# A cell a spreadsheet would run as a formula is quoted with an apostrophe (events/export.py),
# and the apostrophe taken off again when the file comes back.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

FORMAT_HELP = (
    "A CSV file in UTF-8 with a header row and one term a row, as the glossary downloads.",
    "Required columns: key, term, definition. Optional: forms and exact_forms (what is found "
    "in text, in any case or only in the case written), used_by (agency groups: social_care, "
    "police, health, education), synonyms, nearest_social_care, nearest_police, "
    "nearest_health, nearest_education (the nearest term in that group's words), and retired "
    "(yes or no). Separate several values in a cell with a semicolon.",
    "A row whose key is already in the glossary changes that term; a new key adds one. Terms "
    "not in the file stay as they are.",
)


def write_csv(terms: Iterable[Term]) -> str:
    """The glossary as CSV text, one term a row, in the columns an import reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for term in terms:
        writer.writerow(_cell(value) for value in _row(term))
    return out.getvalue()


def _row(term: Term) -> list[str]:
    return [
        term.key,
        term.term,
        term.definition,
        join_list(term.forms),
        join_list(term.exact_forms),
        join_list(g.value for g in term.used_by),
        join_list(term.synonyms),
        *(term.nearest_for(group) for group in AgencyGroup),
        "yes" if term.retired else "no",
    ]


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _uncell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS) else value


@dataclass(frozen=True, slots=True)
class ReadFile:
    """What a file held: its terms when every row was right, else every problem."""

    terms: list[Term]
    problems: list[Problem]


def read_csv(data: bytes) -> ReadFile:
    """Terms from a CSV file, checked whole (``rules.check_glossary``, row by row)."""
    text, problem = _decode(data)
    if problem:
        return ReadFile([], [Problem(None, None, problem)])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or ()]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        return ReadFile([], _header_problems(missing, unknown))
    reader.fieldnames = header
    terms: list[Term] = []
    problems: list[Problem] = []
    try:
        for number, row in enumerate(reader, start=2):
            terms.append(_term(number, row, problems))
    except csv.Error:
        return ReadFile([], [Problem(None, None, "The file is not a CSV file that can be read")])
    if not terms:
        problems.append(Problem(None, None, "The file has no terms in it"))
    problems.extend(check_glossary(terms))
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return ReadFile([] if problems else terms, problems)


def _decode(data: bytes) -> tuple[str, str]:
    if len(data) > MAX_BYTES:
        return "", f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB"
    if not data.strip():
        return "", "Choose a CSV file of terms"
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return "", "The file must be UTF-8 text (save it as “CSV UTF-8”)"


def _header_problems(missing: list[str], unknown: list[str]) -> list[Problem]:
    problems = [Problem(1, c, "The header row needs this column") for c in missing]
    problems += [
        Problem(1, c[:40], f"Not a column of the glossary: the columns are {', '.join(COLUMNS)}")
        for c in unknown
    ]
    return problems


Row = dict[str | None, str | list[str] | None]


def _term(number: int, row: Row, problems: list[Problem]) -> Term:
    if row.get(None):
        problems.append(Problem(number, None, "The row has more cells than the header"))

    def cell(column: str) -> str:
        value = row.get(column)
        return _uncell(value.strip()) if isinstance(value, str) else ""

    used_by: list[AgencyGroup] = []
    for value in split_list(cell("used_by")):
        try:
            used_by.append(AgencyGroup(value.lower()))
        except ValueError:
            groups = ", ".join(g.value for g in AgencyGroup)
            problems.append(Problem(number, "used_by", f"Agency groups are {groups}"))
            break
    retired = cell("retired").lower()
    if retired not in _YES | _NO:
        problems.append(Problem(number, "retired", "Write yes or no"))
    nearest = tuple((g, cell(f"nearest_{g.value}")) for g in AgencyGroup)
    return Term(
        key=cell("key"),
        term=cell("term"),
        definition=cell("definition"),
        forms=split_list(cell("forms")),
        exact_forms=split_list(cell("exact_forms")),
        used_by=tuple(dict.fromkeys(used_by)),
        synonyms=split_list(cell("synonyms")),
        nearest=tuple((g, words) for g, words in nearest if words),
        retired=retired in _YES,
    )
