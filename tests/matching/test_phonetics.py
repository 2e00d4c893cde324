import pytest

from jigsaw.matching.phonetics import double_metaphone, primary_metaphone, sound_alike, soundex


def test_soundex() -> None:
    assert soundex("Smith") == "S530"
    assert soundex("Smyth") == "S530"
    assert soundex("Robert") == soundex("Rupert") == "R163"
    assert soundex("") == ""


def test_double_metaphone() -> None:
    assert double_metaphone("Smith") == ("SM0", "XMT")
    assert double_metaphone("Schmidt") == ("XMT", "SMT")
    assert double_metaphone("Mohammed") == ("MHMT",)
    assert double_metaphone("O'Brien") == double_metaphone("obrien")
    assert double_metaphone("") == ()
    assert primary_metaphone("Jacob") == "JKP"
    assert primary_metaphone("") == ""


@pytest.mark.parametrize(
    ("first", "second"),
    [("Smith", "Schmidt"), ("Muhammad", "Mohammed"), ("Aisha", "Ayesha"), ("Brown", "Braun")],
)
def test_sound_alike(first: str, second: str) -> None:
    assert sound_alike(first, second)


def test_sound_alike_by_soundex_only() -> None:
    assert double_metaphone("Ashley") != double_metaphone("Aslee")
    assert sound_alike("Ashley", "Aslee")


def test_sound_alike_by_double_metaphone_only() -> None:
    assert soundex("Kate") != soundex("Cate")
    assert sound_alike("Kate", "Cate")


def test_different_sounds() -> None:
    assert not sound_alike("Smith", "Jones")
    assert not sound_alike("", "")
