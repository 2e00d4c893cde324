import csv
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.demo import DemoPartnership, generate_partnership
from jigsaw.demo.child_rows import index_records
from jigsaw.demo.keys import Ids
from jigsaw.demo.rosters import COLUMNS, Roster, RosterRow, build_rosters, write_rosters
from jigsaw.demo.variation import Variation
from jigsaw.matching import Band, PersonRecord, load_model, score
from jigsaw.matching.identifiers import nhs_number_is_valid, postcode_is_valid, upn_is_valid
from jigsaw.matching.nicknames import are_variants

TODAY = date(2026, 5, 14)
WRITE_ROSTERS = """
import sys
from datetime import date
from pathlib import Path
from jigsaw.demo import generate_partnership
from jigsaw.demo.rosters import write_rosters
write_rosters(generate_partnership(children=300, today=date(2026, 5, 14)), Path(sys.argv[1]))
"""
ORGANISATION_FILES = 11


@pytest.fixture(scope="module")
def partnership() -> DemoPartnership:
    return generate_partnership(today=TODAY)


@pytest.fixture(scope="module")
def rosters(partnership: DemoPartnership) -> dict[AgencyKind, list[Roster]]:
    kinds = {org.key: org.kind for org in partnership.organisations}
    by_kind: dict[AgencyKind, list[Roster]] = {}
    for roster in build_rosters(partnership):
        by_kind.setdefault(kinds[roster.organisation_key], []).append(roster)
    return by_kind


def rows_of(rosters: dict[AgencyKind, list[Roster]], *kinds: AgencyKind) -> list[RosterRow]:
    return [row for kind in kinds or rosters for roster in rosters[kind] for row in roster.rows]


def share(rows: list[RosterRow], variation: Variation) -> float:
    return sum(1 for row in rows if variation in row.variations) / len(rows)


class TestFiles:
    def test_one_csv_per_organisation_with_the_roster_columns(
        self, partnership: DemoPartnership, tmp_path: Path
    ) -> None:
        paths = write_rosters(partnership, tmp_path / "rosters")
        assert len(paths) == len(partnership.organisations)
        assert {path.name for path in paths} >= {
            "oakfield-primary-school.csv",
            "moorshire-police.csv",
            "eastmoor-council-childrens-services.csv",
        }
        for path, roster in zip(paths, build_rosters(partnership), strict=True):
            with path.open(newline="", encoding="utf-8") as file:
                reader = csv.DictReader(file)
                assert tuple(reader.fieldnames or ()) == COLUMNS
                rows = list(reader)
            assert len(rows) == len(roster.rows) > 0
            assert rows[0]["date_of_birth"] == roster.rows[0].date_of_birth.isoformat()
            assert all(date.fromisoformat(row["date_of_birth"]) <= TODAY for row in rows)
            assert all(row["local_id"] for row in rows)

    def test_the_same_seed_writes_the_same_files_in_any_process(self, tmp_path: Path) -> None:
        """String hashing differs between processes: nothing may depend on a set's order."""
        for hash_seed in ("1", "2"):
            subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
                [sys.executable, "-c", WRITE_ROSTERS, str(tmp_path / hash_seed)],
                check=True,
                env={**os.environ, "PYTHONHASHSEED": hash_seed},
            )
        first = sorted((tmp_path / "1").iterdir())
        assert len(first) == ORGANISATION_FILES
        assert all(path.stat().st_size > len(",".join(COLUMNS)) for path in first)
        for path in first:
            assert path.read_bytes() == (tmp_path / "2" / path.name).read_bytes()

    def test_another_seed_gives_other_rosters(self, partnership: DemoPartnership) -> None:
        other = generate_partnership(seed=2027, children=300, today=TODAY)
        assert build_rosters(other)[0].rows != build_rosters(partnership)[0].rows


class TestWhoIsOnEachRoster:
    def test_a_school_roll_is_its_pupils_and_new_arrivals(
        self, partnership: DemoPartnership, rosters: dict[AgencyKind, list[Roster]]
    ) -> None:
        for roster in rosters[AgencyKind.SCHOOL]:
            pupils = {
                c.key for c in partnership.children if c.school_key == roster.organisation_key
            }
            listed = {row.truth for row in roster.rows if row.child_key}
            assert listed == pupils
            assert all(row.linked for row in roster.rows if row.child_key)

    def test_linked_rows_carry_the_local_id_the_index_holds(
        self, partnership: DemoPartnership, rosters: dict[AgencyKind, list[Roster]]
    ) -> None:
        held = {(i.child_key, i.organisation_key): i.value for i in partnership.local_identifiers}
        for kind_rosters in rosters.values():
            for roster in kind_rosters:
                ids = [row.local_id for row in roster.rows]
                assert len(ids) == len(set(ids))
                for row in roster.rows:
                    key = (row.truth, roster.organisation_key)
                    assert (held.get(key) == row.local_id) == row.linked

    def test_some_rows_are_children_not_in_the_index(
        self, partnership: DemoPartnership, rosters: dict[AgencyKind, list[Roster]]
    ) -> None:
        rows = rows_of(rosters)
        new = [row for row in rows if row.child_key is None]
        assert 0.01 * len(rows) <= len(new) <= 0.1 * len(rows)
        in_index = {c.nhs_number for c in partnership.children}
        assert not {row.nhs_number for row in new} & in_index
        # A family new to the area is on the GP's list and, at school age, a school roll too.
        on_lists = Counter(row.truth for row in new)
        assert max(on_lists.values()) >= 2

    def test_agencies_list_children_the_index_does_not_link_to_them_yet(
        self, rosters: dict[AgencyKind, list[Roster]]
    ) -> None:
        for kind in (AgencyKind.ACUTE_HEALTH, AgencyKind.POLICE, AgencyKind.MASH):
            rows = rows_of(rosters, kind)
            assert any(row.child_key and not row.linked for row in rows)
            assert any(row.linked for row in rows)


class TestVariation:
    def test_schools_and_police_rarely_hold_nhs_numbers_and_health_nearly_always(
        self, rosters: dict[AgencyKind, list[Roster]]
    ) -> None:
        for kind in (AgencyKind.SCHOOL, AgencyKind.POLICE):
            assert share(rows_of(rosters, kind), Variation.NO_NHS_NUMBER) > 0.85
        for kind in (AgencyKind.GP, AgencyKind.COMMUNITY_HEALTH):
            assert share(rows_of(rosters, kind), Variation.NO_NHS_NUMBER) < 0.05

    def test_identifiers_and_postcodes_are_well_formed_where_present(
        self, rosters: dict[AgencyKind, list[Roster]]
    ) -> None:
        rows = rows_of(rosters)
        for row in rows:
            assert not row.nhs_number or nhs_number_is_valid(row.nhs_number)
            assert not row.upn or upn_is_valid(row.upn)
            assert not row.postcode or postcode_is_valid(row.postcode)
            assert row.sex in {"female", "male", ""}
        school_rows = rows_of(rosters, AgencyKind.SCHOOL)
        assert sum(1 for row in school_rows if row.upn) > 0.9 * len(school_rows)
        assert not any(row.upn for row in rows_of(rosters, AgencyKind.GP))

    @pytest.mark.parametrize(
        ("variation", "least", "most"),
        [
            (Variation.NICKNAME, 0.01, 0.2),
            (Variation.MIDDLE_NAMES_DROPPED, 0.02, 0.4),
            (Variation.TYPO, 0.005, 0.1),
            (Variation.DATE_TRANSPOSED, 0.001, 0.05),
            (Variation.DATE_TYPO, 0.001, 0.05),
            (Variation.OLD_POSTCODE, 0.01, 0.2),
            (Variation.PREVIOUS_SURNAME, 0.002, 0.1),
            (Variation.PART_OF_SURNAME, 0.0005, 0.05),
        ],
    )
    def test_a_fraction_of_rows_differ_in_each_way(
        self,
        rosters: dict[AgencyKind, list[Roster]],
        variation: Variation,
        least: float,
        most: float,
    ) -> None:
        assert least <= share(rows_of(rosters), variation) <= most

    def test_each_difference_is_what_it_says(
        self, partnership: DemoPartnership, rosters: dict[AgencyKind, list[Roster]]
    ) -> None:
        children = {child.key: child for child in partnership.children}
        postcodes = {address.key: address.postcode for address in partnership.addresses}
        for row in rows_of(rosters):
            child = children.get(row.truth)
            if child is None:
                continue
            varied = row.variations
            names_retyped = varied & {Variation.TYPO, Variation.NAMES_SWAPPED}
            if Variation.NICKNAME in varied and not names_retyped:
                first = child.given_names.split()[0]
                assert row.given_names == child.preferred_name or are_variants(
                    first, row.given_names
                )
            if Variation.DATE_TRANSPOSED in varied:
                born = child.date_of_birth
                assert row.date_of_birth == date(born.year, born.day, born.month)
            if Variation.OLD_POSTCODE in varied:
                assert child.previous_address_key is not None
                assert row.postcode == postcodes[child.previous_address_key]
            if Variation.PREVIOUS_SURNAME in varied and not names_retyped:
                assert Variation.PART_OF_SURNAME in varied or (
                    row.family_name == child.previous_family_name
                )
            if not row.variations - {Variation.NO_NHS_NUMBER}:
                assert (row.given_names, row.family_name) == (child.given_names, child.family_name)
                assert row.date_of_birth == child.date_of_birth
                assert row.postcode == postcodes[child.address_key]


def test_rows_stay_recognisable_as_their_child(
    partnership: DemoPartnership, rosters: dict[AgencyKind, list[Roster]]
) -> None:
    """Agencies' slips are the kind a matcher should see through, not a different child."""
    ids = Ids(partnership.seed)
    keys = [child.key for child in partnership.children]
    records: dict[str, PersonRecord] = {
        key: record for key, (_, record) in zip(keys, index_records(partnership, ids), strict=False)
    }
    model = load_model()
    rows = [row for row in rows_of(rosters) if row.child_key]
    bands = Counter(score(row.person(), records[row.truth], model).band for row in rows)
    assert bands[Band.UNLIKELY] <= 0.02 * len(rows)


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    children=st.integers(min_value=0, max_value=120),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
)
def test_rosters_are_sound_for_any_seed_size_and_day(seed: int, children: int, today: date) -> None:
    partnership = generate_partnership(seed=seed, children=children, today=today)
    keys = {child.key for child in partnership.children}
    for roster in build_rosters(partnership):
        ids = [row.local_id for row in roster.rows]
        assert len(ids) == len(set(ids))
        for row in roster.rows:
            assert row.date_of_birth <= today
            assert row.given_names
            assert row.family_name
            assert row.child_key is None or row.child_key in keys
            assert not row.nhs_number or nhs_number_is_valid(row.nhs_number)
            assert not row.upn or upn_is_valid(row.upn)
