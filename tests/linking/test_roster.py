"""Reading a roster: every problem found at once, by row and column, never quoting the value."""

from datetime import date

import pytest

from jigsaw.linking.roster import MAX_ROSTER_BYTES, RosterRow, RowError, parse_roster

TODAY = date(2026, 3, 1)
HEADER = "given_names,family_name,date_of_birth,local_id,sex,postcode,nhs_number,upn"
GOOD = "Amelia,Hart,2015-03-27,P-001,F,em4 2xy,943 476 5919,B801200005001"


def parse(*lines: str) -> tuple[list[RosterRow], list[RowError]]:
    roster = parse_roster("\n".join(lines).encode(), today=TODAY)
    return roster.rows, roster.errors


def test_a_good_row_is_read_and_normalised() -> None:
    rows, errors = parse(HEADER, GOOD, "Oliver James,Hart,27/3/2015,,male,,,")
    assert errors == []
    first, second = rows
    assert first == RosterRow(
        row_number=2,
        given_names="Amelia",
        family_name="Hart",
        date_of_birth=date(2015, 3, 27),
        local_id="P-001",
        sex="female",
        postcode="EM4 2XY",
        nhs_number="9434765919",
        upn="B801200005001",
    )
    assert second.row_number == 3
    assert second.date_of_birth == date(2015, 3, 27)
    assert (second.local_id, second.sex, second.postcode) == (None, "male", None)


def test_columns_are_matched_whatever_their_case_and_order() -> None:
    rows, errors = parse(
        " Family_Name ,DATE_OF_BIRTH,given_names,previous_family_names",
        "Hart,2015-03-27,Amelia,Smith| Jones |",
    )
    assert errors == []
    assert rows[0].previous_family_names == ("Smith", "Jones")
    assert rows[0].identity()["previous_family_names"] == "Smith|Jones"


def test_a_byte_order_mark_and_blank_lines_are_allowed_and_rows_keep_their_numbers() -> None:
    data = ("\ufeff" + HEADER + "\n\n" + GOOD + "\n,,,,,,,\n").encode()
    roster = parse_roster(data, today=TODAY)
    assert roster.errors == []
    assert [row.row_number for row in roster.rows] == [3]


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (",Hart,2015-03-27", "given_names", "Enter the given names"),
        ("Amelia,,2015-03-27", "family_name", "Enter the family name"),
        ("Amelia,Hart,", "date_of_birth", "Enter the date of birth"),
        ("Amelia,Hart,27-03-2015", "date_of_birth", "Enter the date of birth as YYYY-MM-DD"),
        ("Amelia,Hart,2015-02-30", "date_of_birth", "The date of birth is not a real date"),
        ("Amelia,Hart,31/02/2015", "date_of_birth", "The date of birth is not a real date"),
        ("Amelia,Hart,2026-03-02", "date_of_birth", "The date of birth is in the future"),
        ("Amelia,Hart,1899-12-31", "date_of_birth", "The date of birth is before 1900"),
        ("Amelia,Hart,2015-03-27,,X", "sex", "Enter sex as female, male or unknown"),
        ("Amelia,Hart,2015-03-27,,,EM4", "postcode", "The postcode is not a valid UK postcode"),
        ("Amelia,Hart,2015-03-27,,,,9434765918", "nhs_number", "The NHS number is not valid"),
        ("Amelia,Hart,2015-03-27,,,,94347659", "nhs_number", "The NHS number is not valid"),
        ("Amelia,Hart,2015-03-27,,,,,A801200005001", "upn", "The UPN is not valid"),
        (f"Amelia,Hart,2015-03-27,{'x' * 65}", "local_id", "longer than 64 characters"),
        (f"{'A' * 201},Hart,2015-03-27", "given_names", "longer than 200 characters"),
        (
            f"Amelia,Hart,2015-03-27,,,,,,{'|'.join(['Featherstonehaugh'] * 30)}",
            "previous_family_names",
            "The previous family names are too long",
        ),
        ("Amelia,Hart,2015-03-27,,,,,,,extra", None, "more values than the header has columns"),
    ],
)
def test_each_kind_of_bad_value_is_reported_by_row_and_column(
    cells: str, column: str | None, message: str
) -> None:
    rows, errors = parse(f"{HEADER},previous_family_names", GOOD, cells)
    assert rows == []
    [error] = errors
    assert (error.row, error.column) == (3, column)
    assert message in error.message


def test_every_problem_in_the_file_is_reported_and_none_quotes_the_value() -> None:
    rows, errors = parse(
        HEADER,
        "Amelia,Hart,2015-13-01,,,,1234567890,",
        GOOD,
        ",Zebedee,2015-03-27,,,ZZ99 9ZZZ,,",
    )
    assert rows == []
    assert [(e.row, e.column) for e in errors] == [
        (2, "date_of_birth"),
        (2, "nhs_number"),
        (4, "given_names"),
        (4, "postcode"),
    ]
    text = " ".join(e.message for e in errors)
    for value in ("2015-13-01", "1234567890", "Zebedee", "ZZ99"):
        assert value not in text


def test_a_local_id_used_twice_in_the_file_is_reported_at_the_repeat() -> None:
    rows, errors = parse(
        "given_names,family_name,date_of_birth,local_id",
        "Amelia,Hart,2015-03-27,P-001",
        "Oliver,Hart,2016-04-01,P-002",
        "Isla,Hart,2017-05-02,P-001",
    )
    assert rows == []
    assert errors == [RowError(4, "local_id", "local_id is the same as row 2's")]


def test_unknown_repeated_and_missing_columns_are_reported_on_the_header_row() -> None:
    _rows, errors = parse("given_names,surname,given_names,notes", "Amelia,Hart,A,free text")
    assert errors == [
        RowError(1, "surname", errors[0].message),
        RowError(1, "given_names", "The column appears more than once"),
        RowError(1, "notes", errors[2].message),
        RowError(1, "family_name", "The required column is missing"),
        RowError(1, "date_of_birth", "The required column is missing"),
    ]
    assert errors[0].message.startswith("Unknown column: the columns are given_names,")


def test_an_unnamed_column_may_stay_empty_but_may_not_hold_values() -> None:
    rows, errors = parse(HEADER + ",", GOOD + ",")
    assert errors == []
    assert len(rows) == 1
    _rows, errors = parse(HEADER + ",", GOOD + ",stray")
    assert errors == [RowError(2, None, "A value is in a column with no name in the header")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\n\n", "The file is empty"),
        (HEADER.encode(), "The file has a header row but no children"),
        ("given_names\nZoë".encode("latin-1"), "The file is not UTF-8"),
        (b"given_names\n" + b"a" * 200_000, "The file is not a readable CSV file"),
        (b"x" * (MAX_ROSTER_BYTES + 1), "The file is larger than 32 MB"),
    ],
)
def test_a_file_that_is_not_a_roster_is_reported_as_a_whole(data: bytes, message: str) -> None:
    roster = parse_roster(data, today=TODAY)
    assert roster.rows == []
    [error] = roster.errors
    assert (error.row, error.column) == (None, None)
    assert error.message.startswith(message)


def test_a_row_survives_the_trip_through_a_review() -> None:
    [row], _ = parse(HEADER + ",previous_family_names", GOOD + ",Smith|Jones")
    assert RosterRow.from_identity(row.row_number, row.identity()) == row
    assert row.person().nhs_number == "9434765919"
