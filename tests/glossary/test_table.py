"""The glossary as CSV: what goes out comes back the same; a bad file names every problem."""

from jigsaw.glossary.rules import AgencyGroup, Term
from jigsaw.glossary.table import COLUMNS, read_csv, write_csv
from jigsaw.glossary.terms import packaged_terms

HEADER = ",".join(COLUMNS)


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join((header, *rows)) + "\r\n").encode()


def test_the_whole_glossary_goes_out_and_comes_back_the_same() -> None:
    terms = packaged_terms()
    text = write_csv(terms)
    assert text.splitlines()[0] == HEADER
    read = read_csv(text.encode("utf-8-sig"))  # as a spreadsheet saves "CSV UTF-8"
    assert read.problems == []
    assert tuple(read.terms) == terms


def test_a_cell_a_spreadsheet_would_run_is_quoted_and_comes_back_unquoted() -> None:
    term = Term(key="minus", term="-1 as a term", definition="=SUM(A1)", forms=("@home",),
                nearest=((AgencyGroup.POLICE, "+44 number"),), retired=True)  # fmt: skip
    text = write_csv([term])
    assert "'=SUM(A1)" in text
    assert "'-1 as a term" in text
    assert read_csv(text.encode()).terms == [term]


def test_every_problem_is_named_by_row_and_column_and_nothing_is_read() -> None:
    data = csv_of(
        "section-47,Section 47,The enquiry.,s47,,social_care,,,,,,no",
        "Bad Key,,The enquiry.,,,fire_service,,,,,,maybe",
        "section-47,Again,A repeat.,,,,,,,,,",
        "child-in-need,Child in need,Section 17.,CIN;S47,,,,,,,,",
    )
    read = read_csv(data)
    assert read.terms == []
    found = {(p.row, p.column) for p in read.problems}
    assert found == {(3, "key"), (3, "term"), (3, "used_by"), (3, "retired"), (4, "key"),
                     (5, "forms")}  # fmt: skip
    messages = {(p.row, p.column): p.message for p in read.problems}
    assert messages[(4, "key")] == "The key is also on row 2"
    assert messages[(3, "retired")] == "Write yes or no"
    assert messages[(5, "forms")] == "“S47” is already a form of the term “section-47”"


def test_a_header_without_the_needed_columns_is_refused_before_any_row() -> None:
    read = read_csv(csv_of("a,b", header="key,name"))
    assert [(p.row, p.column) for p in read.problems] == [
        (1, "term"), (1, "definition"), (1, "name")
    ]  # fmt: skip


def test_only_the_required_columns_are_needed() -> None:
    read = read_csv(csv_of("cin,Child in need,Section 17 support.", header="key,term,definition"))
    assert read.problems == []
    assert read.terms == [Term(key="cin", term="Child in need", definition="Section 17 support.")]


def test_an_empty_file_text_that_is_not_utf8_and_a_row_too_long_are_each_named() -> None:
    assert read_csv(b"").problems[0].message == "Choose a CSV file of terms"
    assert (
        "UTF-8"
        in read_csv("key,term,definition\r\na,b,caf\xe9".encode("latin-1")).problems[0].message
    )
    assert read_csv(csv_of(header="key,term,definition")).problems[0].message == (
        "The file has no terms in it"
    )
    long_row = read_csv(csv_of("a,b,c,d", header="key,term,definition"))
    assert (2, None) in {(p.row, p.column) for p in long_row.problems}
