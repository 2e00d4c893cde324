import pytest
from hypothesis import given
from hypothesis import strategies as st

from jigsaw.matching.identifiers import (
    format_nhs_number,
    nhs_check_digit,
    nhs_number_is_valid,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
    postcode_is_valid,
    upn_check_letter,
    upn_is_valid,
)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)
# Unicode digits that str.isdigit() accepts but an NHS number never contains.
FULLWIDTH_NUMBER = "".join(chr(0xFF10 + int(digit)) for digit in "9990000018")
upn_bodies = st.text(alphabet="0123456789", min_size=12, max_size=12)


class TestNhsNumber:
    # guidance.md §6.1: checked examples, including README "examples" that are not valid.
    @pytest.mark.parametrize(
        "number", ["9434765919", "4010232137", "9990000018", "9990000026", "9990000034"]
    )
    def test_known_valid_numbers(self, number: str) -> None:
        assert nhs_number_is_valid(number)

    @pytest.mark.parametrize("number", ["9434765918", "9991234560", "9876544321"])
    def test_known_invalid_numbers(self, number: str) -> None:
        assert not nhs_number_is_valid(number)

    @pytest.mark.parametrize(
        "text", ["", "999000001", "99900000188", "999000001X", FULLWIDTH_NUMBER, "999²000018"]
    )
    def test_wrong_shape_is_invalid(self, text: str) -> None:
        assert not nhs_number_is_valid(text)

    @pytest.mark.parametrize("text", ["999 000 0018", "999-000-0018", " 9990000018\n"])
    def test_spaces_and_hyphens_are_ignored(self, text: str) -> None:
        assert normalise_nhs_number(text) == "9990000018"
        assert nhs_number_is_valid(text)

    def test_check_digit_is_none_when_it_would_be_ten(self) -> None:
        # 000000006: 6 x 2 = 12, remainder 1, 11 - 1 = 10, which is never issued.
        assert nhs_check_digit("000000006") is None
        assert nhs_check_digit("999000001") == 8

    def test_check_digit_of_eleven_becomes_zero(self) -> None:
        assert nhs_check_digit("000000000") == 0
        assert nhs_number_is_valid("0000000000")

    @pytest.mark.parametrize("text", ["12345678", "1234567890", "12345678X"])
    def test_check_digit_rejects_anything_but_nine_digits(self, text: str) -> None:
        with pytest.raises(ValueError, match="nine digits"):
            nhs_check_digit(text)

    def test_format_shows_three_three_four(self) -> None:
        assert format_nhs_number("9990000018") == "999 000 0018"
        assert format_nhs_number("999-000-0018") == "999 000 0018"

    def test_format_leaves_anything_else_as_entered(self) -> None:
        assert format_nhs_number("not known") == "not known"

    @given(nine_digits)
    def test_nine_digits_and_their_check_digit_are_valid(self, first_nine: str) -> None:
        check = nhs_check_digit(first_nine)
        if check is None:
            assert not any(nhs_number_is_valid(f"{first_nine}{d}") for d in range(10))
        else:
            assert nhs_number_is_valid(f"{first_nine}{check}")

    @given(nine_digits, st.integers(0, 9), st.integers(1, 9))
    def test_changing_one_digit_invalidates(
        self, first_nine: str, position: int, shift: int
    ) -> None:
        check = nhs_check_digit(first_nine)
        if check is None:
            return
        digits = [int(d) for d in f"{first_nine}{check}"]
        digits[position] = (digits[position] + shift) % 10
        assert not nhs_number_is_valid("".join(map(str, digits)))


class TestUpn:
    def test_published_example_is_valid(self) -> None:
        # python-stdnum's stdnum.gb.upn doctest: B is right, A is wrong.
        assert upn_is_valid("B801200005001")
        assert not upn_is_valid("A801200005001")
        assert upn_check_letter("801200005001") == "B"

    def test_temporary_upn_letter_takes_its_table_value(self) -> None:
        # A temporary UPN ends in a letter valued by the check table (A=0, ..., Z=22).
        body = "80120000500A"
        assert upn_check_letter(body) == upn_check_letter("801200005000")
        assert upn_is_valid(f"{upn_check_letter(body)}{body}")

    @pytest.mark.parametrize(
        "text",
        ["", "B80120000500", "B8012000050011", "B80120000A001", "I801200005001", "B80120000500I"],
    )
    def test_wrong_shape_is_invalid(self, text: str) -> None:
        assert not upn_is_valid(text)

    def test_normalise_uppercases_and_strips_spaces(self) -> None:
        assert normalise_upn(" b801 2000 05001 ") == "B801200005001"
        assert upn_is_valid(" b801 2000 05001 ")

    @pytest.mark.parametrize("body", ["80120000500", "80120000A001", "80120000500O"])
    def test_check_letter_rejects_a_malformed_body(self, body: str) -> None:
        with pytest.raises(ValueError, match="UPN body"):
            upn_check_letter(body)

    @given(upn_bodies)
    def test_round_trip(self, body: str) -> None:
        upn = f"{upn_check_letter(body)}{body}"
        assert upn_is_valid(upn)
        assert normalise_upn(upn.lower()) == upn

    @given(upn_bodies, st.integers(1, 12), st.integers(1, 9))
    def test_corrupting_one_digit_invalidates(self, body: str, position: int, shift: int) -> None:
        upn = f"{upn_check_letter(body)}{body}"
        corrupted = list(upn)
        corrupted[position] = str((int(upn[position]) + shift) % 10)
        # Weights 2..13 are all coprime to 23, so any single-digit change alters the sum mod 23.
        assert not upn_is_valid("".join(corrupted))

    @given(upn_bodies, st.sampled_from("ABCDEFGHJKLMNPQRTUVWXYZ"))
    def test_wrong_check_letter_invalidates(self, body: str, letter: str) -> None:
        upn = f"{letter}{body}"
        assert upn_is_valid(upn) == (letter == upn_check_letter(body))


class TestPostcode:
    # guidance.md §6.2 test results.
    @pytest.mark.parametrize(
        "postcode",
        ["EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "SW1A 2AA", "ec1a1bb"],
    )
    def test_accepted_by_the_strict_pattern(self, postcode: str) -> None:
        assert postcode_is_valid(postcode)

    @pytest.mark.parametrize(
        "postcode", ["Q1 1AA", "W1I 1AA", "E1 1CA", "M1 1AA1", "GIR 0AAX", "", "M1", "1AA"]
    )
    def test_rejected_by_the_strict_pattern(self, postcode: str) -> None:
        assert not postcode_is_valid(postcode)

    def test_gir_is_accepted(self) -> None:
        assert postcode_is_valid("GIR 0AA")

    def test_the_demo_town_area_has_a_valid_shape(self) -> None:
        assert postcode_is_valid("EM1 4QT")
        assert postcode_is_valid("EM12 4QT")

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("ec1a1bb", "EC1A 1BB"),
            ("  sw1a   2aa ", "SW1A 2AA"),
            ("M1\t1AE", "M1 1AE"),
            ("m 1 1 a e", "M1 1AE"),
            ("1ae", "1AE"),
            ("", ""),
        ],
    )
    def test_normalise(self, text: str, expected: str) -> None:
        assert normalise_postcode(text) == expected

    @given(st.text(max_size=12))
    def test_normalise_is_idempotent(self, text: str) -> None:
        once = normalise_postcode(text)
        assert normalise_postcode(once) == once
