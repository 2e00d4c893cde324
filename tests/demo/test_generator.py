import re
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.demo import MAX_CHILDREN, DemoPartnership, generate_partnership
from jigsaw.demo.variation import Variation
from jigsaw.matching.identifiers import (
    nhs_number_is_valid,
    normalise_postcode,
    postcode_is_valid,
    upn_is_valid,
)

TODAY = date(2026, 5, 14)
RELATIONSHIP_KINDS = {"parent", "carer", "sibling", "household_member"}


@pytest.fixture(scope="module")
def partnership() -> DemoPartnership:
    return generate_partnership(today=TODAY)


def years_between(earlier: date, later: date) -> int:
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def assert_invariants(partnership: DemoPartnership, today: date) -> None:
    """Everything that must hold for any seed, size and day."""
    assert_keys_resolve(partnership)
    assert_identifiers_valid(partnership, today)
    assert_households_plausible(partnership, today)
    assert_local_ids_and_duplicates_sound(partnership)
    assert_unborn_plans_sound(partnership, today)


def assert_keys_resolve(partnership: DemoPartnership) -> None:
    organisations = {org.key: org for org in partnership.organisations}
    addresses = {address.key for address in partnership.addresses}
    adults = {adult.key for adult in partnership.adults}
    children = {child.key for child in partnership.children}
    all_keys = [*organisations, *addresses, *adults, *children]
    all_keys += [persona.key for persona in partnership.personas]
    assert len(all_keys) == len(set(all_keys))
    for persona in partnership.personas:
        assert persona.organisation_key in organisations
    for adult in partnership.adults:
        assert adult.address_key in addresses
    for child in partnership.children:
        assert child.address_key in addresses
        assert organisations[child.gp_key].kind is AgencyKind.GP
        if child.school_key is not None:
            assert organisations[child.school_key].kind is AgencyKind.SCHOOL
        if child.previous_address_key is not None:
            assert child.previous_address_key in addresses
            assert child.previous_address_key != child.address_key
    for relationship in partnership.relationships:
        assert relationship.child_key in children
        assert relationship.kind in RELATIONSHIP_KINDS
        if relationship.kind == "sibling":
            assert relationship.adult_key is None
            assert relationship.related_child_key in children
            assert relationship.related_child_key != relationship.child_key
        else:
            assert relationship.related_child_key is None
            assert relationship.adult_key in adults


def assert_identifiers_valid(partnership: DemoPartnership, today: date) -> None:
    nhs_numbers = [child.nhs_number for child in partnership.children]
    assert len(nhs_numbers) == len(set(nhs_numbers))
    for number in nhs_numbers:
        # guidance.md §6.1: 999 000 0000 to 999 999 9999 is the test range, never issued.
        assert number.startswith("999")
        assert len(number) == 10
        assert nhs_number_is_valid(number)
    la_code = next(org.identifier for org in partnership.organisations if org.key == "org:la")
    upns = [child.upn for child in partnership.children if child.upn is not None]
    assert len(upns) == len(set(upns))
    for child in partnership.children:
        assert (child.upn is None) == (child.school_key is None)
        if child.upn is not None:
            assert upn_is_valid(child.upn)
            assert child.upn[1:4] == la_code
            assert 4 <= years_between(child.date_of_birth, today) <= 16
    for address in partnership.addresses:
        assert postcode_is_valid(address.postcode)
        assert address.postcode == normalise_postcode(address.postcode)
        assert address.postcode.startswith("EM")


def assert_households_plausible(partnership: DemoPartnership, today: date) -> None:
    adults = {adult.key: adult for adult in partnership.adults}
    children = {child.key: child for child in partnership.children}
    for adult in adults.values():
        assert 18 <= years_between(adult.date_of_birth, today) <= 75
        assert adult.sex in {"female", "male"}
    for child in children.values():
        assert 0 <= years_between(child.date_of_birth, today) <= 17
        assert child.date_of_birth <= child.moved_in_on <= today
        assert child.sex in {"female", "male", "unknown"}
        if child.previous_address_key is not None:
            assert years_between(child.moved_in_on, today) < 3
    for relationship in partnership.relationships:
        child = children[relationship.child_key]
        if relationship.related_child_key is not None:
            assert children[relationship.related_child_key].address_key == child.address_key
        if relationship.adult_key is not None:
            assert adults[relationship.adult_key].address_key == child.address_key
        if relationship.kind == "parent":
            assert relationship.adult_key is not None
            gap = years_between(adults[relationship.adult_key].date_of_birth, child.date_of_birth)
            assert gap >= 16


LOCAL_ID_SHAPES = {
    AgencyKind.CHILDRENS_SOCIAL_CARE: r"LCS-\d{6}",
    AgencyKind.MASH: r"MASH-\d{6}",
    AgencyKind.SCHOOL: r"\d{6}",
    AgencyKind.GP: r"\d{5,6}",
    AgencyKind.ACUTE_HEALTH: r"H\d{7}",
    AgencyKind.COMMUNITY_HEALTH: r"CH\d{7}",
    AgencyKind.POLICE: r"MP\d{8}",
}


def assert_local_ids_and_duplicates_sound(partnership: DemoPartnership) -> None:
    organisations = {org.key: org for org in partnership.organisations}
    children = {child.key: child for child in partnership.children}
    restricted = {r.child_key for r in partnership.casework.restrictions}
    issued = [(i.organisation_key, i.value) for i in partnership.local_identifiers]
    issued += [(d.organisation_key, d.local_id) for d in partnership.duplicates]
    assert len(issued) == len(set(issued)), "an organisation never gives two children one id"
    for organisation_key, value in issued:
        assert re.fullmatch(LOCAL_ID_SHAPES[organisations[organisation_key].kind], value)
    for identifier in partnership.local_identifiers:
        assert identifier.child_key in children
    for duplicate in partnership.duplicates:
        original = children[duplicate.original_key]
        assert duplicate.original_key not in restricted
        assert duplicate.key not in children
        assert partnership.same_child(duplicate.key) == original.key
        assert duplicate.differences
        assert duplicate.date_of_birth <= partnership.generated_on
        if duplicate.nhs_number is not None:
            assert duplicate.nhs_number == original.nhs_number


def assert_unborn_plans_sound(partnership: DemoPartnership, today: date) -> None:
    adults = {adult.key: adult for adult in partnership.adults}
    for plan in partnership.casework.unborn_plans:
        mother = adults[plan.expectant_parent_key]
        assert mother.sex == "female"
        assert mother.nhs_number is not None
        assert nhs_number_is_valid(mother.nhs_number)
        assert mother.nhs_number not in {child.nhs_number for child in partnership.children}
        assert plan.started_on <= today < plan.due_on <= today + timedelta(days=183)
        assert plan.category in {"NEG", "PHY", "SAB", "EMO", "MUL"}
        her_children = {
            r.child_key
            for r in partnership.relationships
            if r.kind == "parent" and r.adult_key == mother.key
        }
        on_a_plan = {
            f.child_key for f in partnership.casework.flags if f.kind == "child_protection_plan"
        }
        assert her_children & on_a_plan, "a sibling's plan is why the unborn child has one"
    with_numbers = [adult for adult in partnership.adults if adult.nhs_number]
    assert len(with_numbers) == len(partnership.casework.unborn_plans)


class TestDeterminism:
    def test_same_seed_gives_the_same_partnership(self) -> None:
        first = generate_partnership(seed=7, children=300, today=TODAY)
        second = generate_partnership(seed=7, children=300, today=TODAY)
        assert first == second

    def test_the_same_seed_gives_the_same_ids_duplicates_and_plans(self) -> None:
        first = generate_partnership(seed=7, children=300, today=TODAY)
        second = generate_partnership(seed=7, children=300, today=TODAY)
        assert first.local_identifiers == second.local_identifiers
        assert first.duplicates == second.duplicates
        assert first.duplicates  # so the comparison above compares something
        assert first.casework.unborn_plans == second.casework.unborn_plans

    def test_different_seeds_give_different_families(self) -> None:
        first = generate_partnership(seed=7, children=300, today=TODAY)
        second = generate_partnership(seed=8, children=300, today=TODAY)
        assert first.children != second.children
        assert first.seed != second.seed

    @pytest.mark.parametrize("children", [-1, MAX_CHILDREN + 1])
    def test_rejects_an_impossible_number_of_children(self, children: int) -> None:
        with pytest.raises(ValueError, match="children must be between"):
            generate_partnership(children=children, today=TODAY)

    def test_no_children_gives_agencies_and_staff_only(self) -> None:
        empty = generate_partnership(children=0, today=TODAY)
        assert empty.children == ()
        assert empty.adults == ()
        assert len(empty.personas) >= 12


class TestAgenciesAndStaff:
    def test_every_required_kind_of_agency_is_present(self, partnership: DemoPartnership) -> None:
        kinds = Counter(org.kind for org in partnership.organisations)
        for kind in (
            AgencyKind.CHILDRENS_SOCIAL_CARE,
            AgencyKind.MASH,
            AgencyKind.GP,
            AgencyKind.ACUTE_HEALTH,
            AgencyKind.COMMUNITY_HEALTH,
            AgencyKind.POLICE,
        ):
            assert kinds[kind] >= 1
        assert kinds[AgencyKind.SCHOOL] >= 2

    def test_the_local_authority_names_its_childrens_services(
        self, partnership: DemoPartnership
    ) -> None:
        la = next(org for org in partnership.organisations if org.key == "org:la")
        assert la.name == f"{partnership.local_authority_name} Children's Services"
        assert la.identifier_scheme == "la"
        assert len(la.identifier) == 3
        assert la.identifier.isdigit()

    def test_schools_have_six_digit_urns(self, partnership: DemoPartnership) -> None:
        schools = [org for org in partnership.organisations if org.kind is AgencyKind.SCHOOL]
        for school in schools:
            assert school.identifier_scheme == "urn"
            assert len(school.identifier) == 6
            assert school.identifier.isdigit()

    def test_personas_cover_every_role_and_front_line_job(
        self, partnership: DemoPartnership
    ) -> None:
        assert len(partnership.personas) >= 12
        roles = {role for persona in partnership.personas for role in persona.roles}
        assert roles >= {
            Role.DESIGNATED_SAFEGUARDING_LEAD,
            Role.PRACTITIONER,
            Role.MASH_PRACTITIONER,
            Role.MASH_MANAGER,
            Role.SOCIAL_WORKER,
            Role.PRIVACY_OFFICER,
            Role.ORGANISATION_ADMIN,
            Role.SYSTEM_ADMIN,
        }
        titles = " / ".join(persona.job_title for persona in partnership.personas)
        for job in ("Teacher", "GP", "Health Visitor", "Emergency Department", "Police"):
            assert job in titles

    def test_personas_have_unique_reserved_domain_emails(
        self, partnership: DemoPartnership
    ) -> None:
        emails = [persona.email for persona in partnership.personas]
        assert len(emails) == len(set(emails))
        for email in emails:
            assert email.endswith(".example.org")


class TestFamilies:
    def test_at_least_the_requested_number_of_children(self, partnership: DemoPartnership) -> None:
        assert len(partnership.children) >= 2000

    def test_invariants_hold(self, partnership: DemoPartnership) -> None:
        assert_invariants(partnership, TODAY)

    def test_school_age_children_mostly_have_a_school(self, partnership: DemoPartnership) -> None:
        school_age = [
            child
            for child in partnership.children
            if 5 <= years_between(child.date_of_birth, TODAY) <= 15
        ]
        on_roll = [child for child in school_age if child.school_key is not None]
        assert len(on_roll) >= 0.95 * len(school_age)

    def test_households_vary_as_real_ones_do(self, partnership: DemoPartnership) -> None:
        kinds = Counter(relationship.kind for relationship in partnership.relationships)
        assert set(kinds) == RELATIONSHIP_KINDS
        children = partnership.children
        assert any(child.preferred_name for child in children)
        assert any(child.previous_family_name for child in children)
        assert any(child.previous_address_key for child in children)
        household_sizes = Counter(Counter(child.address_key for child in children).values())
        assert set(household_sizes) >= {1, 2, 3, 4}
        adults_per_home = Counter(adult.address_key for adult in partnership.adults).values()
        assert set(adults_per_home) == {1, 2}

    def test_siblings_mostly_share_a_surname(self, partnership: DemoPartnership) -> None:
        children = {child.key: child for child in partnership.children}
        pairs = [r for r in partnership.relationships if r.related_child_key is not None]
        same = [
            r
            for r in pairs
            if children[r.child_key].family_name == children[str(r.related_child_key)].family_name
        ]
        assert len(same) >= 0.8 * len(pairs)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    children=st.integers(min_value=0, max_value=50),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
)
def test_invariants_hold_for_any_seed_size_and_day(seed: int, children: int, today: date) -> None:
    partnership = generate_partnership(seed=seed, children=children, today=today)
    assert len(partnership.children) >= children
    assert_invariants(partnership, today)


class TestIdentities:
    def test_every_organisation_has_its_own_id_for_the_children_it_works_with(
        self, partnership: DemoPartnership
    ) -> None:
        ids = {(i.child_key, i.organisation_key): i.value for i in partnership.local_identifiers}
        duplicates = {d.key for d in partnership.duplicates}
        for involvement in partnership.casework.involvements:
            if involvement.child_key not in duplicates:
                assert (involvement.child_key, involvement.organisation_key) in ids
        council = [value for (_, org), value in ids.items() if org == "org:la"]
        assert council
        assert all(value.startswith("LCS-") for value in council)
        issuers = {org for _, org in ids}
        assert issuers == {org.key for org in partnership.organisations}

    def test_some_children_have_aliases_and_previous_names(
        self, partnership: DemoPartnership
    ) -> None:
        children = partnership.children
        with_alias = [child for child in children if child.aliases]
        assert 0.005 * len(children) <= len(with_alias) <= 0.05 * len(children)
        for child in with_alias:
            for alias in child.aliases:
                assert alias != (child.given_names, child.family_name)
        assert sum(1 for child in children if child.previous_family_name) >= 0.01 * len(children)

    def test_brothers_and_sisters_including_twins_never_share_a_first_name(
        self, partnership: DemoPartnership
    ) -> None:
        children = {child.key: child for child in partnership.children}
        pairs = [
            (children[r.child_key], children[str(r.related_child_key)])
            for r in partnership.relationships
            if r.kind == "sibling"
        ]
        twins = [(a, b) for a, b in pairs if a.date_of_birth == b.date_of_birth]
        assert len(twins) >= 10, "about one birth in seventy is of twins"
        for elder, younger in pairs:
            assert elder.given_names.split()[0] != younger.given_names.split()[0]
            assert elder.address_key == younger.address_key


class TestDuplicates:
    def test_about_one_child_in_a_hundred_is_recorded_twice(
        self, partnership: DemoPartnership
    ) -> None:
        assert len(partnership.duplicates) == len(partnership.children) // 100
        originals = [d.original_key for d in partnership.duplicates]
        assert len(originals) == len(set(originals))

    def test_duplicates_differ_from_the_child_as_agencies_records_do(
        self, partnership: DemoPartnership
    ) -> None:
        children = {child.key: child for child in partnership.children}
        differences = Counter(v for d in partnership.duplicates for v in d.differences)
        assert differences[Variation.NO_NHS_NUMBER] >= len(partnership.duplicates) // 2
        assert len(differences) >= 4
        for duplicate in partnership.duplicates:
            child = children[duplicate.original_key]
            seen = (
                duplicate.given_names,
                duplicate.family_name,
                duplicate.date_of_birth,
                duplicate.nhs_number,
                duplicate.address_key,
            )
            ideal = (
                child.given_names,
                child.family_name,
                child.date_of_birth,
                child.nhs_number,
                child.address_key,
            )
            assert seen != ideal
            assert duplicate.sex == child.sex

    def test_the_recording_agency_is_involved_with_the_duplicate(
        self, partnership: DemoPartnership
    ) -> None:
        involved = {(i.child_key, i.organisation_key) for i in partnership.casework.involvements}
        for duplicate in partnership.duplicates:
            assert (duplicate.key, duplicate.organisation_key) in involved

    def test_small_partnerships_have_none(self) -> None:
        small = generate_partnership(seed=11, children=60, today=TODAY)
        assert small.duplicates == ()


class TestUnbornPlan:
    def test_an_expectant_mother_of_a_child_on_a_plan_has_her_unborn_child_on_one(
        self, partnership: DemoPartnership
    ) -> None:
        [plan] = partnership.casework.unborn_plans
        assert_unborn_plans_sound(partnership, TODAY)
        assert plan.due_on - TODAY >= timedelta(days=30)

    def test_no_plan_without_a_mother_of_an_age_to_be_expecting(self) -> None:
        tiny = generate_partnership(seed=11, children=1, today=TODAY)
        assert not any(r.kind == "parent" for r in tiny.relationships)  # with grandparents
        assert tiny.casework.unborn_plans == ()
        assert not any(adult.nhs_number for adult in tiny.adults)
