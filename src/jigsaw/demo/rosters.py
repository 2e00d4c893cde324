"""Each agency's roster: its own list of the children it works with, as it sends it for linking.

A school roll, a GP practice's list, the health visitors' caseload, the hospital's recent
attenders, the police nominal list, the council's and the MASH's case lists. Each agency writes
children down its own way, so rows differ from the child index as real records do: the name a
child goes by (Jake for Jacob), a slipped letter, day and month swapped, the old postcode of a
family that has moved, a surname the child no longer uses; schools and the police rarely hold
NHS numbers. Some rows are children the index already knows but Jigsaw does not yet know the
agency works with, and some are children not in the index at all (``newcomers``).

Pure and seeded: the same partnership always gives the same rosters. Each row carries the
truth (which child it is, or which newcomer) so tests and benchmarks can measure matching.
"""

import csv
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.demo.identities import LocalIdBook
from jigsaw.demo.newcomers import newcomers
from jigsaw.demo.records import (
    DemoChild,
    DemoLocalIdentifier,
    DemoOrganisation,
    DemoPartnership,
)
from jigsaw.demo.variation import Draft, Variation
from jigsaw.linking.roster import COLUMNS as ROSTER_COLUMNS
from jigsaw.matching import PersonRecord

# The roster format the linking capability reads (one source for both).
COLUMNS = ROSTER_COLUMNS
_UNDER_FIVE = 5


@dataclass(frozen=True, slots=True)
class RosterProfile:
    """How one kind of agency keeps its list: what it holds, and how often it slips.

    Each share is of the rows it can apply to (only children who moved can have an old
    postcode). ``unlinked`` is how many children the index knows but not yet as this agency's,
    as a share of the index; ``newcomers`` the share of newcomers who reach this agency (for
    schools, GPs and health visitors, those registered with them).
    """

    nhs_number: float
    upn: float
    lists_previous_surname: float
    slips: Mapping[Variation, float]
    unlinked: float = 0.0
    newcomers: float = 1.0


# The order slips are made in: a surname is replaced before it is mistyped.
_ORDER = (
    Variation.PREVIOUS_SURNAME,
    Variation.PART_OF_SURNAME,
    Variation.NICKNAME,
    Variation.MIDDLE_NAMES_DROPPED,
    Variation.TYPO,
    Variation.NAMES_SWAPPED,
    Variation.DATE_TRANSPOSED,
    Variation.DATE_TYPO,
    Variation.NO_POSTCODE,
    Variation.OLD_POSTCODE,
    Variation.NO_SEX,
)
V = Variation
# fmt: off
PROFILES: dict[AgencyKind, RosterProfile] = {
    AgencyKind.SCHOOL: RosterProfile(0.03, 0.97, 0.3, {
        V.PREVIOUS_SURNAME: 0.3, V.PART_OF_SURNAME: 0.2, V.NICKNAME: 0.15,
        V.MIDDLE_NAMES_DROPPED: 0.3, V.TYPO: 0.02, V.DATE_TRANSPOSED: 0.01, V.DATE_TYPO: 0.005,
        V.OLD_POSTCODE: 0.3}),
    AgencyKind.GP: RosterProfile(0.99, 0.0, 0.6, {
        V.PREVIOUS_SURNAME: 0.2, V.PART_OF_SURNAME: 0.05, V.NICKNAME: 0.02,
        V.MIDDLE_NAMES_DROPPED: 0.05, V.TYPO: 0.01, V.DATE_TRANSPOSED: 0.005,
        V.DATE_TYPO: 0.005, V.OLD_POSTCODE: 0.3}),
    AgencyKind.COMMUNITY_HEALTH: RosterProfile(0.98, 0.0, 0.5, {
        V.PREVIOUS_SURNAME: 0.2, V.NICKNAME: 0.05, V.MIDDLE_NAMES_DROPPED: 0.2, V.TYPO: 0.02,
        V.DATE_TRANSPOSED: 0.01, V.DATE_TYPO: 0.01, V.OLD_POSTCODE: 0.2}),
    AgencyKind.ACUTE_HEALTH: RosterProfile(0.85, 0.0, 0.2, {
        V.PREVIOUS_SURNAME: 0.4, V.PART_OF_SURNAME: 0.15, V.NICKNAME: 0.08,
        V.MIDDLE_NAMES_DROPPED: 0.4, V.TYPO: 0.04, V.DATE_TRANSPOSED: 0.02, V.DATE_TYPO: 0.01,
        V.OLD_POSTCODE: 0.5, V.NO_POSTCODE: 0.02, V.NO_SEX: 0.01}, unlinked=0.08, newcomers=0.15),
    AgencyKind.POLICE: RosterProfile(0.05, 0.0, 0.1, {
        V.PREVIOUS_SURNAME: 0.6, V.PART_OF_SURNAME: 0.3, V.NICKNAME: 0.25,
        V.MIDDLE_NAMES_DROPPED: 0.7, V.TYPO: 0.06, V.NAMES_SWAPPED: 0.02,
        V.DATE_TRANSPOSED: 0.03, V.DATE_TYPO: 0.02, V.OLD_POSTCODE: 0.6, V.NO_POSTCODE: 0.05,
        V.NO_SEX: 0.02}, unlinked=0.02, newcomers=0.05),
    AgencyKind.CHILDRENS_SOCIAL_CARE: RosterProfile(0.8, 0.6, 0.8, {
        V.PREVIOUS_SURNAME: 0.1, V.PART_OF_SURNAME: 0.1, V.NICKNAME: 0.05,
        V.MIDDLE_NAMES_DROPPED: 0.1, V.TYPO: 0.02, V.DATE_TRANSPOSED: 0.01, V.DATE_TYPO: 0.01,
        V.OLD_POSTCODE: 0.2}, unlinked=0.01, newcomers=0.08),
    AgencyKind.MASH: RosterProfile(0.4, 0.3, 0.3, {
        V.PREVIOUS_SURNAME: 0.4, V.PART_OF_SURNAME: 0.2, V.NICKNAME: 0.15,
        V.MIDDLE_NAMES_DROPPED: 0.5, V.TYPO: 0.05, V.NAMES_SWAPPED: 0.01,
        V.DATE_TRANSPOSED: 0.03, V.DATE_TYPO: 0.02, V.OLD_POSTCODE: 0.4, V.NO_POSTCODE: 0.05,
        V.NO_SEX: 0.02}, unlinked=0.02, newcomers=0.15),
}
# fmt: on


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One row of a roster as the agency wrote it, and who it really is.

    ``truth`` is the child's key ("child:00017") or, for a child not in the index, a newcomer's
    ("newcomer:0003", the same newcomer on every roster they are on). ``linked`` says whether
    the index already records this agency working with the child (and its local id).
    """

    given_names: str
    family_name: str
    date_of_birth: date
    local_id: str
    sex: str
    postcode: str
    nhs_number: str
    upn: str
    previous_family_names: tuple[str, ...]
    truth: str
    linked: bool
    variations: frozenset[Variation] = field(default_factory=frozenset)

    @property
    def child_key(self) -> str | None:
        """The key of the child in the index this row is, or None for a newcomer."""
        return self.truth if self.truth.startswith("child:") else None

    def csv_row(self) -> dict[str, str]:
        """The row as written to the roster file."""
        return {
            "given_names": self.given_names,
            "family_name": self.family_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "local_id": self.local_id,
            "sex": self.sex,
            "postcode": self.postcode,
            "nhs_number": self.nhs_number,
            "upn": self.upn,
            "previous_family_names": "|".join(self.previous_family_names),
        }

    def person(self) -> PersonRecord:
        """What the matcher compares for this row."""
        return PersonRecord(
            given_names=self.given_names,
            family_name=self.family_name,
            previous_family_names=self.previous_family_names,
            date_of_birth=self.date_of_birth,
            sex=self.sex or None,
            postcode=self.postcode or None,
            nhs_number=self.nhs_number or None,
            upn=self.upn or None,
        )


@dataclass(frozen=True, slots=True)
class Roster:
    """One organisation's roster and the file name it is written under."""

    organisation_key: str
    file_name: str
    rows: tuple[RosterRow, ...]


def build_rosters(partnership: DemoPartnership) -> tuple[Roster, ...]:
    """Every organisation's roster, in the partnership's order of organisations."""
    arrivals = newcomers(partnership)
    taken = [
        *partnership.local_identifiers,
        *(DemoLocalIdentifier(d.key, d.organisation_key, d.local_id)
          for d in partnership.duplicates),
    ]  # fmt: skip
    book = LocalIdBook(
        random.Random(f"roster-ids:{partnership.seed}"), partnership.organisations, taken
    )
    return tuple(
        _roster(partnership, organisation, arrivals, book)
        for organisation in partnership.organisations
    )


def write_rosters(partnership: DemoPartnership, directory: Path) -> list[Path]:
    """Write every organisation's roster as CSV into ``directory`` and return the files."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for roster in build_rosters(partnership):
        path = directory / roster.file_name
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(row.csv_row() for row in roster.rows)
        paths.append(path)
    return paths


def file_name(organisation: DemoOrganisation) -> str:
    """The roster's file name: the organisation's name in lower case, words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", organisation.name.lower().replace("'", ""))
    return "-".join(words) + ".csv"


def _roster(
    partnership: DemoPartnership,
    organisation: DemoOrganisation,
    arrivals: tuple[DemoChild, ...],
    book: LocalIdBook,
) -> Roster:
    """One organisation's roster, sorted by name.

    The children it is known to work with, others it works with whom the index does not
    link to it yet, and newcomers.
    """
    rng = random.Random(f"roster:{partnership.seed}:{organisation.key}")
    profile = PROFILES[organisation.kind]
    today = partnership.generated_on
    known = {i.child_key: i.value for i in partnership.local_identifiers
             if i.organisation_key == organisation.key}  # fmt: skip
    linked = [child for child in partnership.children if child.key in known]
    restricted = {r.child_key for r in partnership.casework.restrictions}
    others = [c for c in partnership.children if c.key not in known and c.key not in restricted]
    wanted = min(round(len(partnership.children) * profile.unlinked), len(others))
    unlinked = rng.sample(others, wanted)
    reached = [c for c in arrivals if _reaches(rng, organisation, profile, c, today)]
    postcodes = {address.key: address.postcode for address in partnership.addresses}
    rows = [
        _row(rng, profile, c, local_id=known[c.key], postcodes=postcodes, today=today, linked=True)
        for c in linked
    ]
    rows += [
        _row(rng, profile, c, local_id=book.issue(organisation.key), postcodes=postcodes,
             today=today, linked=False)
        for c in [*unlinked, *reached]
    ]  # fmt: skip
    rows.sort(key=lambda r: (r.family_name.casefold(), r.given_names.casefold(), r.local_id))
    return Roster(organisation.key, file_name(organisation), tuple(rows))


def _reaches(
    rng: random.Random,
    organisation: DemoOrganisation,
    profile: RosterProfile,
    newcomer: DemoChild,
    today: date,
) -> bool:
    """Whether a newcomer is on this organisation's list."""
    if organisation.kind is AgencyKind.SCHOOL:
        return newcomer.school_key == organisation.key
    if organisation.kind is AgencyKind.GP:
        return newcomer.gp_key == organisation.key
    if organisation.kind is AgencyKind.COMMUNITY_HEALTH:
        return (today - newcomer.date_of_birth).days < _UNDER_FIVE * 365
    return rng.random() < profile.newcomers


def _row(
    rng: random.Random,
    profile: RosterProfile,
    child: DemoChild,
    *,
    local_id: str,
    postcodes: Mapping[str, str],
    today: date,
    linked: bool,
) -> RosterRow:
    """A child as this agency has them written down."""
    draft = Draft.of(child)
    if rng.random() >= profile.lists_previous_surname:
        draft.previous_family_names = ()
    for variation in _ORDER:
        slips = rng.random() < profile.slips.get(variation, 0.0)
        if variation is Variation.DATE_TYPO and Variation.DATE_TRANSPOSED in draft.variations:
            continue  # one slip in a date is plenty
        if slips:
            draft.vary(variation, rng, today=today)
    if rng.random() >= profile.nhs_number:
        draft.vary(Variation.NO_NHS_NUMBER, rng, today=today)
    return RosterRow(
        given_names=draft.given_names,
        family_name=draft.family_name,
        date_of_birth=draft.date_of_birth,
        local_id=local_id,
        sex="" if draft.sex == "unknown" else draft.sex,
        postcode=postcodes[draft.address_key] if draft.address_key else "",
        nhs_number=draft.nhs_number or "",
        upn=(draft.upn or "") if rng.random() < profile.upn else "",
        previous_family_names=draft.previous_family_names,
        truth=child.key,
        linked=linked,
        variations=frozenset(draft.variations),
    )
