"""What looks like personal data in a story, by its shape alone (no database)."""

import pytest

from jigsaw.stories.shapes import Kind, Spotted, spot


def blocked(text: str) -> list[tuple[Kind, str]]:
    """What the shape alone blocks: (kind, exact text)."""
    return [(s.kind, s.text) for s in spot(text) if s.looks_like]


def looked_up(text: str) -> list[str]:
    """Words the check asks the index about without blocking them by shape."""
    return [s.text for s in spot(text) if s.kind is Kind.NAME and not s.looks_like]


def only(text: str, kind: Kind) -> list[Spotted]:
    return [s for s in spot(text) if s.kind is kind]


class TestNumbers:
    @pytest.mark.parametrize("written", ["943 476 5919", "9434765919", "943-476-5919"])
    def test_an_nhs_number_is_found_however_it_is_spaced(self, written: str) -> None:
        [found] = only(f"Her NHS number is {written}.", Kind.NHS_NUMBER)
        assert found.text == written
        assert found.keys == {"9434765919"}
        assert found.looks_like

    def test_ten_digits_with_a_wrong_check_digit_are_not_an_nhs_number(self) -> None:
        assert only("Reference 943 476 5918 on the letter", Kind.NHS_NUMBER) == []

    def test_a_phone_number_is_not_an_nhs_number(self) -> None:
        assert only("Call 0121 496 0000 or 07700 900123", Kind.NHS_NUMBER) == []

    def test_a_upn_with_its_check_letter_is_found_and_a_wrong_letter_is_not(self) -> None:
        [found] = only("The pupil's UPN, B801200005001, was on the form", Kind.UPN)
        assert found.keys == {"B801200005001"}
        assert only("The form said A801200005001", Kind.UPN) == []


class TestPostcodes:
    @pytest.mark.parametrize(
        ("written", "normal"),
        [("EM1 1AA", "EM1 1AA"), ("em11aa", "EM1 1AA"), ("SW1A  2AA", "SW1A 2AA"),
         ("b12 9qf", "B12 9QF")],
    )  # fmt: skip
    def test_a_postcode_is_found_in_any_case_or_spacing(self, written: str, normal: str) -> None:
        [found] = only(f"They moved to {written} last year.", Kind.POSTCODE)
        assert (found.text, found.keys) == (written, frozenset({normal}))

    def test_a_motorway_junction_is_not_a_postcode(self) -> None:
        assert only("She came off the M6 2nd junction", Kind.POSTCODE) == []


class TestDates:
    @pytest.mark.parametrize(
        "written",
        ["12/03/2015", "12-3-15", "12.03.2015", "2015-03-12", "12 March 2015", "12th Mar 2015",
         "March 12 2015", "March 12th, 2015", "12th of March 2015"],
    )  # fmt: skip
    def test_a_date_is_found_in_each_way_people_write_it(self, written: str) -> None:
        [found] = only(f"She was born on {written} in the town.", Kind.DATE_OF_BIRTH)
        assert found.text == written
        assert "2015-03-12" in found.keys  # looked up as the date it is
        assert found.looks_like

    def test_an_ambiguous_date_is_looked_up_in_every_reading(self) -> None:
        [found] = only("on 03/12/15", Kind.DATE_OF_BIRTH)
        assert found.keys == {"2015-12-03", "2015-03-12", "1915-12-03", "1915-03-12"}

    def test_a_birthday_without_a_year_still_blocks(self) -> None:
        [found] = only("Her birthday is 12 March.", Kind.DATE_OF_BIRTH)
        assert found.looks_like
        assert found.keys == frozenset()  # nothing to look up without a year

    def test_what_is_not_a_date_is_not_one(self) -> None:
        for text in ("Children aged 12 may be at risk", "In March 2019 the family moved",
                     "She scored 45/67/2015 on the test", "Version 2.1 of the plan"):  # fmt: skip
            assert only(text, Kind.DATE_OF_BIRTH) == [], text


class TestAddresses:
    @pytest.mark.parametrize(
        "written",
        ["14 Kingfisher Close", "Flat 3, 27 Moor Road", "2a Church Street", "110 Willow lane"],
    )
    def test_a_street_address_is_found(self, written: str) -> None:
        found = only(f"The family live at {written} with an uncle.", Kind.ADDRESS)
        assert [s.text for s in found] == [written]

    def test_a_number_then_words_then_road_in_lower_case_is_not_an_address(self) -> None:
        assert only("She took 2 buses down the road to school", Kind.ADDRESS) == []

    def test_a_street_named_without_a_number_is_found(self) -> None:
        [found] = only("She was seen on Kingfisher Close at night.", Kind.ADDRESS)
        assert found.text == "Kingfisher Close"

    def test_an_address_is_one_finding_not_a_list_of_names(self) -> None:
        assert [s.kind for s in spot("at 14 Kingfisher Close")] == [Kind.ADDRESS]


class TestNames:
    def test_capitalised_words_inside_a_sentence_are_names(self) -> None:
        assert blocked("The teacher told Amelia and Kayden Smith-Jones to wait.") == [
            (Kind.NAME, "Amelia"), (Kind.NAME, "Kayden"), (Kind.NAME, "Smith-Jones"),
        ]  # fmt: skip

    def test_agency_and_role_words_are_not_names(self) -> None:
        text = ("The DSL phoned the GP and the Police. The MASH asked CAMHS and Early Help, and "
                "the Health Visitor spoke to Mum and the Designated Safeguarding Lead at the "
                "Local Authority on Monday.")  # fmt: skip
        assert blocked(text) == []
        assert looked_up(text) == []

    def test_a_common_word_at_the_start_of_a_sentence_is_not_a_name(self) -> None:
        text = "After school she went home. Staff noticed. Worryingly, nobody came. Teachers met."
        assert blocked(text) == []

    def test_a_name_at_the_start_of_a_sentence_is_still_a_name(self) -> None:
        assert blocked("Amelia was hungry. Kayden told his teacher.") == [
            (Kind.NAME, "Amelia"), (Kind.NAME, "Kayden"),
        ]  # fmt: skip

    def test_hope_grace_may_will_and_faith_are_names_inside_a_sentence(self) -> None:
        text = "The school nurse saw Hope, Grace, May, Will and Faith together."
        assert [t for _, t in blocked(text)] == ["Hope", "Grace", "May", "Will", "Faith"]

    def test_at_the_start_of_a_sentence_the_index_decides_the_ones_that_are_words(self) -> None:
        text = "Hope was there. Will she be safe? May I ask? Grace was there. Faith was there."
        assert [t for _, t in blocked(text)] == ["Grace", "Faith"]
        assert looked_up(text) == ["Hope", "Will", "May"]  # blocked if the index holds them

    def test_a_word_that_is_a_name_in_lower_case_is_a_word(self) -> None:
        assert spot("We hope she will get the grace period; she may have a mark on her arm.") == []

    def test_a_month_is_a_time_when_the_words_around_say_so(self) -> None:
        assert blocked("In May the family moved; by June things were better.") == []
        assert blocked("The Summer term went well.") == []
        assert blocked("We spoke to June about it.") == [(Kind.NAME, "June")]

    def test_the_word_after_a_title_is_a_name_whatever_it_is(self) -> None:
        assert blocked("Mrs Baker called PC Fenwick and Nan Rose.") == [
            (Kind.NAME, "Baker"), (Kind.NAME, "Fenwick"), (Kind.NAME, "Rose"),
        ]  # fmt: skip

    def test_a_family_name_in_capitals_is_a_name_and_an_acronym_is_not(self) -> None:
        assert blocked("Amelia SMITH was referred under SEND by the SENCO.") == [
            (Kind.NAME, "Amelia"), (Kind.NAME, "SMITH"),
        ]  # fmt: skip

    def test_a_full_name_at_the_start_of_a_sentence_is_a_name(self) -> None:
        assert [t for _, t in blocked("Hope Smith came in.")] == ["Hope", "Smith"]

    def test_a_place_name_blocks_like_a_name(self) -> None:
        assert blocked("The family live in Eastmoor near Oakfield.") == [
            (Kind.NAME, "Eastmoor"), (Kind.NAME, "Oakfield"),
        ]  # fmt: skip

    def test_a_name_typed_in_lower_case_is_looked_up(self) -> None:
        assert looked_up("then amelia said she was hungry") == ["amelia"]

    def test_keys_hold_the_run_of_names_and_each_part(self) -> None:
        [amelia, rose, jones] = only("The nurse saw Amelia Rose Smith-Jones.", Kind.NAME)
        assert "amelia rose" in amelia.keys
        assert {"smith-jones", "smith", "jones", "rose smith-jones"} <= jones.keys
        assert rose.keys >= {"rose", "amelia rose", "rose smith-jones", "amelia rose smith-jones"}

    def test_a_possessive_is_the_name(self) -> None:
        assert blocked("We met Amelia's mum.") == [(Kind.NAME, "Amelia")]

    def test_accents_are_looked_up_without_them_too(self) -> None:
        [found] = only("The nurse saw Zoë.", Kind.NAME)
        assert {"zoë", "zoe"} <= found.keys
