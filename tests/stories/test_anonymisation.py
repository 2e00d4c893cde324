"""The anonymisation check against the child index: what it holds blocks, and says so."""

import uuid
from dataclasses import fields
from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection

from jigsaw.children.models import ChildName, NameKind, Sex
from jigsaw.core.uow import UnitOfWork
from jigsaw.stories.anonymisation import Check, Finding, check_story, paragraphs
from jigsaw.stories.shapes import Kind
from tests.children.helpers import add_address, add_child, add_parent, nhs_number

CHILD_NHS = nhs_number(41)
MUM_NHS = nhs_number(42)
OTHER_NHS = nhs_number(43)  # valid, but nobody's in this index


@pytest.fixture
def index(uow: UnitOfWork) -> UnitOfWork:
    """A child known as Tallulah (legally Talia Rose Okonkwo-Hartley), her mum and their home."""
    with uow:
        session = uow.session
        home = add_address(session, line1="14 Kingfisher Close", postcode="EM7 3QT")
        child = add_child(session, given="Talia Rose", family="Okonkwo-Hartley",
                          born=date(2015, 3, 12), sex=Sex.FEMALE, nhs_number=CHILD_NHS,
                          address_id=home)  # fmt: skip
        session.add_all([
            ChildName(id=uuid.uuid4(), child_id=child, kind=NameKind.PREFERRED,
                      given_names="Tallulah", family_name="Okonkwo-Hartley"),
            ChildName(id=uuid.uuid4(), child_id=child, kind=NameKind.ALIAS,
                      given_names="Lulu", family_name="Brennan"),
        ])  # fmt: skip
        add_parent(session, [child], nhs_number=MUM_NHS, address_id=home)  # Kerry Marsh, 1990
        uow.commit()
    return uow


def check(uow: UnitOfWork, text: str, title: str = "A good outcome") -> Check:
    with uow:
        return check_story(uow.session, title=title, text=text)


def found(result: Check) -> list[tuple[Kind, str, bool]]:
    return [(f.kind, f.text, f.in_index) for f in result.findings]


class TestNames:
    def test_a_childs_legal_preferred_and_alias_names_match_the_index(
        self, index: UnitOfWork
    ) -> None:
        result = check(index, "The nurse saw Tallulah, and later Lulu Brennan and Okonkwo-Hartley.")
        assert found(result) == [
            (Kind.NAME, "Tallulah", True),
            (Kind.NAME, "Lulu Brennan", True),
            (Kind.NAME, "Okonkwo-Hartley", True),
        ]

    def test_a_given_name_kept_whole_matches_when_written_whole(self, index: UnitOfWork) -> None:
        assert found(check(index, "We worked with Talia Rose for a year.")) == [
            (Kind.NAME, "Talia Rose", True)
        ]

    def test_an_adults_names_match_the_index(self, index: UnitOfWork) -> None:
        assert found(check(index, "The health visitor met Kerry and Mr Marsh.")) == [
            (Kind.NAME, "Kerry", True),
            (Kind.NAME, "Marsh", True),
        ]

    def test_a_name_the_index_holds_blocks_where_its_shape_alone_would_not(
        self, index: UnitOfWork
    ) -> None:
        # At the start of a sentence "Lulu" could be a word; the index says it is a name, and
        # a name typed in lower case is found too, as are capitals.
        result = check(index, "Lulu was hungry. Then tallulah said so. BRENNAN was her surname.")
        assert found(result) == [
            (Kind.NAME, "Lulu", True),
            (Kind.NAME, "tallulah", True),
            (Kind.NAME, "BRENNAN", True),
        ]

    def test_a_name_not_in_the_index_still_blocks_by_its_shape(self, index: UnitOfWork) -> None:
        assert found(check(index, "The teacher noticed Kayden was hungry.")) == [
            (Kind.NAME, "Kayden", False)
        ]

    def test_a_common_word_at_a_sentence_start_blocks_only_if_the_index_holds_the_name(
        self, uow: UnitOfWork
    ) -> None:
        text = "Hope came back to the family when the school shared its worry."
        assert check(uow, text).clear
        with uow:
            add_child(uow.session, given="Hope", family="Adeyemi", born=date(2016, 1, 2))
            uow.commit()
        assert found(check(uow, text)) == [(Kind.NAME, "Hope", True)]


class TestNumbersDatesAndPlaces:
    def test_the_childs_and_the_adults_nhs_numbers_match_however_written(
        self, index: UnitOfWork
    ) -> None:
        spaced = f"{CHILD_NHS[:3]} {CHILD_NHS[3:6]} {CHILD_NHS[6:]}"
        dashed = f"{MUM_NHS[:3]}-{MUM_NHS[3:6]}-{MUM_NHS[6:]}"
        result = check(index, f"Hers is {spaced}, mum's {dashed}, and one more: {OTHER_NHS}.")
        assert found(result) == [
            (Kind.NHS_NUMBER, spaced, True),
            (Kind.NHS_NUMBER, dashed, True),
            (Kind.NHS_NUMBER, OTHER_NHS, False),
        ]

    @pytest.mark.parametrize(
        "written",
        ["12/03/2015", "12-3-15", "12.03.2015", "2015-03-12", "12 March 2015", "12th Mar 2015",
         "March 12 2015", "3/12/2015"],  # the last as an American would write it
    )  # fmt: skip
    def test_the_childs_date_of_birth_matches_in_every_format(
        self, index: UnitOfWork, written: str
    ) -> None:
        assert found(check(index, f"She was born on {written}.")) == [
            (Kind.DATE_OF_BIRTH, written, True)
        ]

    def test_an_adults_date_of_birth_matches_and_another_date_only_looks_like_one(
        self, index: UnitOfWork
    ) -> None:
        result = check(index, "Mum was born 1 May 1990; the meeting was on 4 June 2024.")
        assert found(result) == [
            (Kind.DATE_OF_BIRTH, "1 May 1990", True),
            (Kind.DATE_OF_BIRTH, "4 June 2024", False),
        ]

    def test_a_postcode_in_the_index_matches_in_any_case_or_spacing(
        self, index: UnitOfWork
    ) -> None:
        result = check(
            index, "They live in em73qt, near EM7 3QU and the street at 14 Kingfisher Close."
        )
        assert found(result) == [
            (Kind.POSTCODE, "em73qt", True),
            (Kind.POSTCODE, "EM7 3QU", False),
            (Kind.ADDRESS, "14 Kingfisher Close", False),
        ]


class TestWhatItSays:
    def test_a_finding_says_where_it_is_and_never_whom_it_matches(self, index: UnitOfWork) -> None:
        text = "A good start.\n\nThen the nurse saw Tallulah."
        [finding] = check(index, text, title="Tallulah\u2019s story").of("text")
        assert (finding.field, finding.paragraph, finding.where) == ("text", 2, "paragraph 2")
        assert text[finding.start : finding.end] == "Tallulah"
        assert finding.verdict == "matches a name in the child index"
        # Nothing in a finding points at a record: no ids, no other fields of the person.
        assert {f.name for f in fields(Finding)} == {
            "kind", "text", "field", "start", "end", "paragraph", "in_index",
        }  # fmt: skip

    def test_the_title_is_checked_too(self, index: UnitOfWork) -> None:
        result = check(index, "Nothing to see.", title="Tallulah\u2019s story")
        assert [(f.where, f.text) for f in result.findings] == [("the title", "Tallulah")]

    def test_a_story_told_without_identifying_anyone_is_clear(self, index: UnitOfWork) -> None:
        text = (
            "A Year 4 pupil came in hungry most days in the spring term. The class teacher "
            "told the DSL, who shared it with the GP practice through the MASH. The GP had "
            "seen mum about her low mood. Early help started within a week, and by the "
            "Summer term the child was eating breakfast at school and mum had support."
        )
        result = check(index, text, title="A hungry pupil and a GP's note")
        assert result.clear, found(result)

    def test_the_text_is_split_into_paragraphs_with_the_findings_marked(
        self, index: UnitOfWork
    ) -> None:
        text = "First part.\n\nThe nurse saw Tallulah today."
        result = check(index, text)
        pieces = paragraphs(text, result.of("text"))
        assert [[(t, f is not None) for t, f in p] for p in pieces] == [
            [("First part.", False)],
            [("The nurse saw ", False), ("Tallulah", True), (" today.", False)],
        ]


def test_the_index_is_asked_by_lookups_not_read_whole(index: UnitOfWork) -> None:
    """Each query asks for the story's values only (an IN list), so its cost does not grow
    with the size of the index; and it reads back only the values that matched."""
    statements: list[str] = []

    def remember(_conn: Connection, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    with index:
        engine = index.session.get_bind()
        event.listen(engine, "before_cursor_execute", remember)
        try:
            check_story(
                index.session, title="A story", text="The nurse saw Tallulah on 12/03/2015."
            )
        finally:
            event.remove(engine, "before_cursor_execute", remember)
    lookups = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert lookups
    assert all(" IN " in s.upper() for s in lookups)
