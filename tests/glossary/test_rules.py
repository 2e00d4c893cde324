"""The glossary's rules and the packaged glossary: groups, explanations, every check."""

import pytest

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.glossary.rules import (
    GROUP_OF,
    AgencyGroup,
    Term,
    check_glossary,
    check_term,
    explain,
    group_of,
    split_list,
)
from jigsaw.glossary.terms import PackagedGlossaryBroken, packaged_terms, terms_from_yaml

P, S, H, E = AgencyGroup.POLICE, AgencyGroup.SOCIAL_CARE, AgencyGroup.HEALTH, AgencyGroup.EDUCATION
S47 = Term(
    key="section-47",
    term="Section 47 enquiry (s47)",
    definition="The council's child protection enquiry.",
    forms=("s47", "section 47"),
    used_by=(S,),
    nearest=((P, "a joint investigation"), (E, "a child protection enquiry")),
)


class TestGroups:
    def test_every_kind_of_agency_but_housing_and_the_voluntary_sector_has_a_group(self) -> None:
        assert set(AgencyKind) - set(GROUP_OF) == {AgencyKind.HOUSING, AgencyKind.VOLUNTARY_SECTOR}
        assert group_of(AgencyKind.YOUTH_JUSTICE) is P
        assert group_of(AgencyKind.MASH) is S
        assert group_of(AgencyKind.EARLY_YEARS) is E
        assert group_of(AgencyKind.MENTAL_HEALTH) is H
        assert group_of(AgencyKind.HOUSING) is None
        assert group_of(None) is None


class TestExplain:
    def test_another_groups_term_is_told_in_the_readers_nearest_words(self) -> None:
        explained = explain(S47, P)
        assert explained.definition == S47.definition
        assert explained.in_your_terms == "In police terms: a joint investigation"

    def test_the_readers_own_term_needs_only_its_definition(self) -> None:
        assert explain(S47, S).in_your_terms == ""
        assert explain(S47, S).definition == S47.definition

    def test_a_group_with_no_nearest_words_and_agencies_with_no_group_read_the_definition(
        self,
    ) -> None:
        assert explain(S47, H).in_your_terms == ""
        assert explain(S47, None).in_your_terms == ""
        assert explain(S47, None).definition == S47.definition


class TestChecks:
    @pytest.mark.parametrize(
        ("change", "field", "message"),
        [
            ({"key": ""}, "key", "Enter a key"),
            ({"key": "Section 47"}, "key", "lower-case letters"),
            ({"key": "s--47"}, "key", "single hyphens"),
            ({"key": "risk-levels"}, "key", "the glossary's own pages"),
            ({"term": "  "}, "term", "Enter the term"),
            ({"term": "x" * 121}, "term", "120 characters or fewer"),
            ({"definition": ""}, "definition", "Enter a definition"),
            ({"forms": ("s47", "x" * 81)}, "forms", "80 characters or fewer"),
            ({"exact_forms": ("--",)}, "exact_forms", "a letter or a digit"),
            ({"nearest": ((P, "x" * 401),)}, "nearest_police", "400 characters or fewer"),
        ],
    )
    def test_each_problem_is_named_by_its_field(
        self, change: dict[str, object], field: str, message: str
    ) -> None:
        term = Term(**{**_fields(S47), **change})  # type: ignore[arg-type]
        assert message in check_term(term)[field]

    def test_a_right_term_has_no_problems(self) -> None:
        assert check_term(S47) == {}

    def test_a_glossary_names_repeated_keys_and_shared_forms_by_row(self) -> None:
        cin = Term(key="child-in-need", term="Child in need", definition="Section 17.",
                   forms=("CIN", "S47"))  # fmt: skip
        again = Term(key="section-47", term="Again", definition="A repeat.")
        problems = check_glossary([S47, cin, again])
        assert [(p.row, p.column) for p in problems] == [(3, "forms"), (4, "key")]
        assert "“S47” is already a form of the term “section-47”" in problems[0].message
        assert problems[1].message == "The key is also on row 2"

    def test_forms_differ_in_case_only_when_both_are_exact(self) -> None:
        dash = Term(key="dash", term="DASH", definition="A checklist.", exact_forms=("DASH",))
        other = Term(key="dash-2", term="Dash", definition="Other.", exact_forms=("Dash",))
        assert check_glossary([dash, other]) == []
        loose = Term(key="dash-3", term="Dash", definition="Other.", forms=("dash",))
        assert [p.column for p in check_glossary([dash, loose])] == ["forms"]

    def test_a_retired_terms_forms_are_free_for_another(self) -> None:
        retired = Term(**{**_fields(S47), "key": "old-s47", "retired": True})  # type: ignore[arg-type]
        assert check_glossary([retired, S47]) == []
        assert list(retired.recognised_forms()) == []

    def test_several_values_are_split_trimmed_and_kept_once(self) -> None:
        assert split_list(" s47 ; section 47;;s47; ") == ("s47", "section 47")


def _fields(term: Term) -> dict[str, object]:
    return {name: getattr(term, name) for name in Term.__slots__}


class TestPackagedGlossary:
    """The glossary as released: at least 60 terms, each one a reader can use."""

    def test_it_has_the_terms_issue_8_names_each_explained_for_every_other_group(self) -> None:
        terms = {t.key: t for t in packaged_terms()}
        assert len(terms) >= 60
        named = ["section-17", "section-47", "child-in-need", "child-protection-plan",
                 "looked-after-child", "lado", "marac", "dash", "ppn", "ehcp",
                 "team-around-the-family", "icpc", "strategy-discussion", "dsl", "early-help",
                 "family-help", "cme", "prevent", "channel"]  # fmt: skip
        assert set(named) <= set(terms)
        for key in named:
            term = terms[key]
            assert term.definition, key
            assert term.used_by, key
            for group in set(AgencyGroup) - set(term.used_by):
                assert term.nearest_for(group), (key, group)

    def test_every_term_has_a_definition_and_no_two_share_a_form(self) -> None:
        terms = packaged_terms()
        assert check_glossary(list(terms)) == []
        assert all(t.definition.strip() and t.used_by for t in terms)

    def test_words_too_common_to_mean_a_term_are_found_only_as_written(self) -> None:
        terms = {t.key: t for t in packaged_terms()}
        assert "Prevent" in terms["prevent"].exact_forms
        assert "DASH" in terms["dash"].exact_forms
        assert "SEND" in terms["send"].exact_forms
        loose = {f.casefold() for t in terms.values() for f in t.forms}
        assert not loose & {"prevent", "dash", "send", "contact", "referral", "front door"}

    def test_a_broken_file_is_refused_with_the_place_of_each_problem(self) -> None:
        text = "terms:\n  - key: Bad Key\n    term: x\n    definition: ''\n    used_by: [police]\n"
        with pytest.raises(PackagedGlossaryBroken) as broken:
            terms_from_yaml(text)
        assert "term 1, definition: Enter a definition" in str(broken.value)
        assert "term 1, key:" in str(broken.value)
        with pytest.raises(PackagedGlossaryBroken, match="agency groups are"):
            terms_from_yaml("terms:\n  - {key: a, term: a, definition: a, used_by: [fire]}\n")
