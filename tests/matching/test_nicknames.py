import pytest

from jigsaw.matching.nicknames import (
    are_variants,
    formal_variant_pairs,
    nickname_groups,
    variants_of,
)


def test_table_has_at_least_300_formal_variant_pairs() -> None:
    assert len(formal_variant_pairs()) >= 300


def test_every_group_has_a_formal_name_and_a_variant() -> None:
    assert all(len(group) >= 2 for group in nickname_groups())


@pytest.mark.parametrize(
    ("nickname", "formal"),
    [
        ("Jake", "Jacob"),
        ("Alfie", "Alfred"),
        ("Ellie", "Eleanor"),
        ("Ellie", "Elizabeth"),
        ("Bill", "William"),
        ("Peggy", "Margaret"),
        ("Sasha", "Alexandra"),
        ("Mo", "Mohammed"),
        ("Mohammed", "Muhammad"),
        ("Mohamed", "Muhammad"),
        ("Aisha", "Ayesha"),
        ("Kuba", "Jakub"),
        ("Gosia", "Małgorzata"),
        ("Jo-Anne", "Joanna"),
    ],
)
def test_known_variants_match_both_ways(nickname: str, formal: str) -> None:
    assert are_variants(nickname, formal)
    assert are_variants(formal, nickname)


def test_lookup_is_normalised() -> None:
    assert are_variants("  JAKE ", "jacob")
    assert "jake" in variants_of("JACOB")


def test_groups_are_not_merged_through_a_shared_nickname() -> None:
    assert not are_variants("Eleanor", "Elizabeth")


def test_unrelated_and_unknown_names() -> None:
    assert not are_variants("Jacob", "William")
    assert variants_of("Zzyzx") == frozenset()
    assert not are_variants("Jacob", "Jacob")


def test_whole_table_is_symmetric() -> None:
    for group in nickname_groups():
        for name in group:
            for other in group - {name}:
                assert are_variants(name, other)
                assert are_variants(other, name)
