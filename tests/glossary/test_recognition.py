"""Finding glossary terms in what someone wrote: the edge cases a reader would notice."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jigsaw.glossary.recognition import Found, Recogniser

FORMS = (
    ("s47", "s47", False),
    ("section 47", "s47", False),
    ("s17", "s17", False),
    ("CIN", "cin", False),
    ("child in need", "cin", False),
    ("CP", "cp", False),
    ("CP plan", "cp-plan", False),
    ("child protection plan", "cp-plan", False),
    ("child protection", "child-protection", False),
    ("ICPC", "icpc", False),
    ("strategy discussion", "strategy-discussion", False),
    ("LAC", "lac", False),
    ("A&E", "emergency-department", False),
    ("Prevent", "prevent", True),
    ("DASH", "dash", True),
    ("s47 enquiry", "s47", False),
    ("CPS", "cps", False),
    ("Children's social care", "csc", False),
)


@pytest.fixture(scope="module")
def recogniser() -> Recogniser:
    return Recogniser.build(FORMS)


def words(recogniser: Recogniser, text: str) -> list[tuple[str, str]]:
    """What was found, as the author wrote it, with its term."""
    return [(text[f.start : f.end], f.key) for f in recogniser.find(text)]


class TestWordsAndBoundaries:
    def test_terms_are_found_in_the_authors_own_words_and_places(
        self, recogniser: Recogniser
    ) -> None:
        text = "Police joined the s47 and the ICPC is booked."
        found = recogniser.find(text)
        assert found == [Found(18, 21, "s47"), Found(30, 34, "icpc")]

    def test_a_term_inside_another_word_is_not_found(self, recogniser: Recogniser) -> None:
        assert words(recogniser, "They went to the CINEMA and the LACE shop; a CPU; class47") == []

    def test_nothing_is_found_in_empty_or_termless_text(self, recogniser: Recogniser) -> None:
        assert recogniser.find("") == []
        assert recogniser.find("Mum collected him at three.") == []


class TestCase:
    def test_case_does_not_matter_for_most_forms(self, recogniser: Recogniser) -> None:
        assert words(recogniser, "cin, Cin and CIN; S47 and s47") == [
            ("cin", "cin"),
            ("Cin", "cin"),
            ("CIN", "cin"),
            ("S47", "s47"),
            ("s47", "s47"),
        ]

    def test_a_form_that_matches_case_needs_it(self, recogniser: Recogniser) -> None:
        text = "To prevent harm, he was referred to Prevent. A dash of DASH."
        assert words(recogniser, text) == [("Prevent", "prevent"), ("DASH", "dash")]


class TestPluralsAndPossessives:
    def test_plurals_end_the_last_word(self, recogniser: Recogniser) -> None:
        text = "Two strategy discussions, three CINs and the CP plans."
        assert words(recogniser, text) == [
            ("strategy discussions", "strategy-discussion"),
            ("CINs", "cin"),
            ("CP plans", "cp-plan"),
        ]

    def test_ies_and_es_plurals(self) -> None:
        recogniser = Recogniser.build([("enquiry", "e", False), ("case", "c", False)])
        assert words(recogniser, "Enquiries and cases") == [("Enquiries", "e"), ("cases", "c")]

    def test_a_capital_s_after_an_acronym_is_another_acronym(self, recogniser: Recogniser) -> None:
        assert words(recogniser, "CPS and CPs") == [("CPS", "cps"), ("CPs", "cp")]

    def test_possessives_are_part_of_the_term(self, recogniser: Recogniser) -> None:
        text = "The LAC's school, the CINs' plans and children's social care."
        assert words(recogniser, text) == [
            ("LAC's", "lac"),
            ("CINs'", "cin"),
            ("children's social care", "csc"),
        ]

    def test_a_word_with_more_than_one_apostrophe_is_read_without_them(
        self, recogniser: Recogniser
    ) -> None:
        # One apostrophe is looked up as written; more (a typing slip) are taken out first.
        assert words(recogniser, "Mum said L'AC's plan was late") == [("L'AC's", "lac")]
        text = "Childr'en\u2019s social care and the CIN's plan"
        assert words(recogniser, text) == [(text[:23], "csc"), ("CIN's", "cin")]

    def test_a_plural_cannot_continue_a_longer_form(self, recogniser: Recogniser) -> None:
        # "CPs plan" is not "CP plan": the plural ends the term at "CPs".
        assert words(recogniser, "the CPs plan") == [("CPs", "cp")]


class TestPunctuation:
    def test_section_numbers_with_stops_and_spaces(self, recogniser: Recogniser) -> None:
        assert words(recogniser, "s.47, s. 47, s 47, S.17 and (s47)") == [
            ("s.47", "s47"),
            ("s. 47", "s47"),
            ("s 47", "s47"),
            ("S.17", "s17"),
            ("s47", "s47"),
        ]

    def test_brackets_quotes_and_hyphens(self, recogniser: Recogniser) -> None:
        text = 'An "ICPC" (ICPC) was held; the CP-plan and CP/plan started.'
        assert words(recogniser, text) == [
            ("ICPC", "icpc"),
            ("ICPC", "icpc"),
            ("CP-plan", "cp-plan"),
            ("CP/plan", "cp-plan"),
        ]

    def test_a_term_does_not_run_across_a_sentence_or_a_comma(self, recogniser: Recogniser) -> None:
        text = "He is a child in. Need more? A child, in need"
        assert words(recogniser, text) == []

    def test_a_term_runs_over_a_line_break_but_not_a_blank_line(
        self, recogniser: Recogniser
    ) -> None:
        assert words(recogniser, "a strategy\ndiscussion") == [
            ("strategy\ndiscussion", "strategy-discussion")
        ]
        assert words(recogniser, "a strategy\n\ndiscussion") == []

    def test_spelled_out_symbols_must_be_there(self, recogniser: Recogniser) -> None:
        assert words(recogniser, "seen at A&E, then A and E, then A E") == [
            ("A&E", "emergency-department")
        ]


class TestOverlaps:
    def test_the_longest_term_wins(self, recogniser: Recogniser) -> None:
        text = "A child protection plan, child protection, the CP plan, a CP and an s47 enquiry."
        assert words(recogniser, text) == [
            ("child protection plan", "cp-plan"),
            ("child protection", "child-protection"),
            ("CP plan", "cp-plan"),
            ("CP", "cp"),
            ("s47 enquiry", "s47"),
        ]

    def test_a_longer_form_that_does_not_finish_falls_back_to_the_shorter(
        self, recogniser: Recogniser
    ) -> None:
        assert words(recogniser, "child protection planning") == [
            ("child protection", "child-protection")
        ]

    def test_two_terms_with_one_form_are_both_kept(self) -> None:
        recogniser = Recogniser.build([("LAC", "lac", False), ("LAC", "looked-after", False)])
        assert recogniser.forms == 2
        assert [f.key for f in recogniser.find("LAC")] == ["lac"]


def test_offsets_stay_the_authors_when_lower_case_is_longer() -> None:
    # "İ" lowers to two characters; the spans must still index the original text.
    recogniser = Recogniser.build([("CIN", "cin", False)])
    text = "İİ wrote CIN"
    assert words(recogniser, text) == [("CIN", "cin")]


@given(st.text(alphabet=st.sampled_from(list("sScCiInN47 .,-'\n&AEplP")), max_size=80))
def test_what_is_found_is_ordered_apart_and_never_changes_the_text(text: str) -> None:
    recogniser = Recogniser.build(FORMS)
    before = str(text)
    found = recogniser.find(text)
    assert text == before
    ends = -1
    for item in found:
        assert 0 <= item.start < item.end <= len(text)
        assert item.start >= ends
        assert text[item.start].isalnum()
        ends = item.end
