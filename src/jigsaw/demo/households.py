"""Households for the demo partnership: homes, parents and carers, children and siblings.

Each household has one or two adults and one to five children. Its shape (two parents, a
single parent, a parent and step-parent, a parent and another adult, or grandparents as kinship
carers) decides who is a "parent", a "carer" or a "household_member" to the children. Every
adult is at least 17 years older than the household's eldest child.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from jigsaw.children import nhs_check_digit, upn_check_letter
from jigsaw.demo.names import (
    Generation,
    NamePool,
    choose_given_names,
    choose_pool,
    choose_preferred_name,
    choose_surname,
)
from jigsaw.demo.places import GP_PRACTICES, LA_CODE, SCHOOLS, TOWN, SchoolSpec, StreetPlan
from jigsaw.demo.records import DemoAddress, DemoAdult, DemoChild, DemoRelationship

# How common each household shape and family size is; see Town.add_household.
_SHAPES = ("couple", "single", "blended", "single_with_partner", "kinship")
_SHAPE_WEIGHTS = (46, 26, 14, 6, 8)
_FAMILY_SIZES = (1, 2, 3, 4, 5)
_FAMILY_SIZE_WEIGHTS = (34, 36, 18, 8, 4)
_MOVED_RECENTLY = 0.08  # households that moved home within the last three years
_NOT_ON_ROLL = 0.01  # school-age children on no school's roll (home education, missing)
_SEX_UNKNOWN = 0.003
_ADULT_AGES = (18, 75)
_LAST_SCHOOL_AGE = 16
_LAST_PRIMARY_YEAR = 6  # national curriculum year 6; reception is year 0
_UPN_SERIALS = 1000
_SEPTEMBER = 9  # the English school year starts in September
_NAME_ATTEMPTS = 20  # a family of five from one pool always finds five different first names


@dataclass(slots=True)
class _Home:
    """One household while it is being generated."""

    address_key: str
    pools: tuple[NamePool, ...]
    gp_key: str
    primary: SchoolSpec
    secondary: SchoolSpec
    moved_in_on: date
    previous_address_key: str | None
    adults: list[DemoAdult] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    first_names: set[str] = field(default_factory=set)  # children's, so no two are the same
    surname: str = ""
    previous_surname: str | None = None
    youngest_surname: str | None = None  # set when the youngest is the new couple's own child


class Town:
    """One generation run: the random source and everything generated so far."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.addresses: list[DemoAddress] = []
        self.adults: list[DemoAdult] = []
        self.children: list[DemoChild] = []
        self.relationships: list[DemoRelationship] = []
        self._streets = StreetPlan(rng)
        self._nhs_numbers: set[str] = set()
        self._upn_serials: dict[tuple[str, int], set[int]] = {}

    def add_household(self) -> None:
        """Add one household: its home, its adults, its children and how they are related."""
        birthdays = self._birthdays()
        home = self._new_home()
        shape = self.rng.choices(_SHAPES, weights=_SHAPE_WEIGHTS)[0]
        self._shape_builders()[shape](home, birthdays)
        keys = [
            self._add_child(home, born, youngest=index == len(birthdays) - 1)
            for index, born in enumerate(birthdays)
        ]
        for index, elder in enumerate(keys):
            self.relationships.extend(
                DemoRelationship(elder, "sibling", younger, None) for younger in keys[index + 1 :]
            )

    def _chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def _shape_builders(self) -> dict[str, Callable[[_Home, list[date]], None]]:
        return {
            "couple": self._couple,
            "single": self._single,
            "blended": self._blended,
            "single_with_partner": self._single_with_partner,
            "kinship": self._kinship,
        }

    def _couple(self, home: _Home, birthdays: list[date]) -> None:
        """Two parents; most share a surname, the rest pass on one or both to the children."""
        sexes = self.rng.choices(
            (("female", "male"), ("female", "female"), ("male", "male")), weights=(95, 3, 2)
        )[0]
        first = choose_surname(self.rng, home.pools[0])
        second = first if self._chance(0.7) else choose_surname(self.rng, home.pools[-1])
        parent = self._adult(home, "parent", sexes[0], first, self._parent_born(birthdays[0]))
        born = self._partner_born(parent.date_of_birth, birthdays[0])
        self._adult(home, "parent", sexes[1], second, born, pool=home.pools[-1])
        options = (second, first, f"{first}-{second}") if first != second else (first,)
        home.surname = self.rng.choices(options, weights=(55, 30, 15)[: len(options)])[0]

    def _single(self, home: _Home, birthdays: list[date]) -> None:
        """One parent, usually the mother; some children carry an absent parent's surname."""
        sex = "female" if self._chance(0.85) else "male"
        surname = choose_surname(self.rng, home.pools[0])
        self._adult(home, "parent", sex, surname, self._parent_born(birthdays[0]))
        absent = self._chance(0.2)
        home.surname = choose_surname(self.rng, home.pools[-1]) if absent else surname

    def _blended(self, home: _Home, birthdays: list[date]) -> None:
        """A parent and a step-parent; some children took the step-parent's surname."""
        self._single(home, birthdays)
        parent = home.adults[0]
        step_surname = choose_surname(self.rng, home.pools[-1])
        step_sex = _other_sex(parent.sex) if self._chance(0.95) else parent.sex
        born = self._partner_born(parent.date_of_birth, birthdays[0])
        self._adult(home, "carer", step_sex, step_surname, born, pool=home.pools[-1])
        if step_surname != home.surname and self._chance(0.25):
            home.previous_surname, home.surname = home.surname, step_surname
        if len(birthdays) > 1 and self._chance(0.4):
            home.youngest_surname = step_surname

    def _single_with_partner(self, home: _Home, birthdays: list[date]) -> None:
        """One parent and another adult at home who has no caring role for the children."""
        self._single(home, birthdays)
        born = self._partner_born(home.adults[0].date_of_birth, birthdays[0])
        surname = choose_surname(self.rng, home.pools[-1])
        self._adult(home, "household_member", self.rng.choice(("female", "male")), surname, born)

    def _kinship(self, home: _Home, birthdays: list[date]) -> None:
        """One or two grandparents bringing up their grandchildren."""
        surname = choose_surname(self.rng, home.pools[0])
        sex = "female" if self._chance(0.75) else "male"
        born = self._adult_born(birthdays[0], (38, 58), birthdays[0])
        grandparent = self._adult(home, "carer", sex, surname, born, generation="older")
        if self._chance(0.5):
            born = self._partner_born(grandparent.date_of_birth, birthdays[0])
            self._adult(home, "carer", _other_sex(sex), surname, born, generation="older")
        if self._chance(0.4):
            home.surname = choose_surname(self.rng, home.pools[0])
        else:
            home.surname = surname

    def _new_home(self) -> _Home:
        """Allocate a household's home, GP practice and schools, and when it moved in."""
        pools: tuple[NamePool, ...] = (choose_pool(self.rng),)
        if self._chance(0.12):
            pools = (*pools, choose_pool(self.rng))
        primary = self.rng.choices([s for s in SCHOOLS if s.teaches_primary], (40, 35, 25))[0]
        secondaries = [s for s in SCHOOLS if s.teaches_secondary]
        secondary = self.rng.choices(secondaries, (55, 45))[0]
        if primary.teaches_secondary and self._chance(0.85):
            secondary = primary
        moved_recently = self._chance(_MOVED_RECENTLY)
        days_ago = (
            self.rng.randint(30, 3 * 365)
            if moved_recently
            else self.rng.randint(3 * 365 + 1, 20 * 365)
        )
        return _Home(
            address_key=self._new_address(),
            pools=pools,
            gp_key=self.rng.choices(GP_PRACTICES, (55, 45))[0],
            primary=primary,
            secondary=secondary,
            moved_in_on=self.today - timedelta(days=days_ago),
            previous_address_key=self._new_address() if moved_recently else None,
        )

    def _new_address(self) -> str:
        home = self._streets.new_home()
        key = f"address:{len(self.addresses) + 1:05d}"
        self.addresses.append(DemoAddress(key, home.line1, home.line2, TOWN, home.postcode))
        return key

    def _adult(
        self,
        home: _Home,
        kind: str,
        sex: str,
        surname: str,
        born: date,
        *,
        pool: NamePool | None = None,
        generation: Generation = "adult",
    ) -> DemoAdult:
        """Add an adult to the household, related to its children as ``kind``."""
        given = choose_given_names(self.rng, pool or home.pools[0], sex, generation)
        key = f"adult:{len(self.adults) + 1:05d}"
        adult = DemoAdult(key, given, surname, born, sex, home.address_key)
        self.adults.append(adult)
        home.adults.append(adult)
        home.kinds.append(kind)
        return adult

    def _add_child(self, home: _Home, born: date, *, youngest: bool) -> str:
        """Add a child to the household and link them to its adults; return their key."""
        own_child = youngest and home.youngest_surname is not None
        sex = "unknown" if self._chance(_SEX_UNKNOWN) else self.rng.choice(("female", "male"))
        given = self._child_given_names(home, sex)
        school_key, upn = self._schooling(home, born)
        child = DemoChild(
            key=f"child:{len(self.children) + 1:05d}",
            given_names=given,
            family_name=(home.youngest_surname if own_child else None) or home.surname,
            preferred_name=choose_preferred_name(self.rng, given),
            previous_family_name=None if own_child else home.previous_surname,
            date_of_birth=born,
            sex=sex,
            nhs_number=self._nhs_number(),
            upn=upn,
            school_key=school_key,
            gp_key=home.gp_key,
            address_key=home.address_key,
            moved_in_on=max(born, home.moved_in_on),
            previous_address_key=home.previous_address_key if born < home.moved_in_on else None,
        )
        self.children.append(child)
        self.relationships.extend(
            DemoRelationship(child.key, "parent" if own_child else kind, None, adult.key)
            for adult, kind in zip(home.adults, home.kinds, strict=True)
        )
        return child.key

    def _child_given_names(self, home: _Home, sex: str) -> str:
        """Choose a child's given names; parents do not give two children one first name."""
        given = choose_given_names(self.rng, self.rng.choice(home.pools), sex, "child")
        for _attempt in range(_NAME_ATTEMPTS):
            if given.partition(" ")[0] not in home.first_names:
                break
            given = choose_given_names(self.rng, self.rng.choice(home.pools), sex, "child")
        home.first_names.add(given.partition(" ")[0])
        return given

    def _birthdays(self) -> list[date]:
        """Choose the children's dates of birth, eldest first, spaced as siblings usually are."""
        count = self.rng.choices(_FAMILY_SIZES, weights=_FAMILY_SIZE_WEIGHTS)[0]
        eldest_age = self.rng.randint(min(17, 2 * (count - 1)), 17)
        latest = _years_before(self.today, eldest_age)
        earliest = _years_before(self.today, eldest_age + 1) + timedelta(days=1)
        birthdays = [earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))]
        while len(birthdays) < count:
            gap = 0 if self._chance(0.03) else self.rng.randint(330, 1800)  # 0: twins
            following = birthdays[-1] + timedelta(days=gap)
            if following > self.today:
                break
            birthdays.append(following)
        return birthdays

    def _parent_born(self, eldest: date) -> date:
        return self._adult_born(eldest, (18, 40), eldest)

    def _partner_born(self, partner: date, eldest: date) -> date:
        return self._adult_born(partner, (-6, 8), eldest)

    def _adult_born(self, anchor: date, years: tuple[int, int], eldest: date) -> date:
        """Choose a birth date some years before ``anchor``, kept to an adult's age range.

        Every adult in a home is at least 17 years older than its eldest child, so the
        "parent at least 16 years older" invariant holds whoever becomes a parent.
        """
        candidate = _years_before(anchor, self.rng.randint(*years))
        candidate -= timedelta(days=self.rng.randint(0, 364))
        latest = min(_years_before(self.today, _ADULT_AGES[0]), _years_before(eldest, 17))
        earliest = _years_before(self.today, _ADULT_AGES[1] + 1) + timedelta(days=1)
        return max(earliest, min(candidate, latest))

    def _schooling(self, home: _Home, born: date) -> tuple[str | None, str | None]:
        """Place a school-age child at a school and give them a UPN, or return (None, None)."""
        # Reception starts in the September after a child's fourth birthday.
        reception = born.year + (5 if born.month >= _SEPTEMBER else 4)
        started = date(reception, _SEPTEMBER, 1) <= self.today
        if not started or _age_on(born, self.today) > _LAST_SCHOOL_AGE:
            return None, None
        if self._chance(_NOT_ON_ROLL):
            return None, None
        this_year = self.today.year if self.today.month >= _SEPTEMBER else self.today.year - 1
        year_group = this_year - reception
        school = home.primary if year_group <= _LAST_PRIMARY_YEAR else home.secondary
        # The UPN comes from the school the child started at, in the year they started.
        return school.organisation_key, self._upn(home.primary, reception % 100)

    def _upn(self, school: SchoolSpec, year: int) -> str:
        """Allocate an unused permanent UPN at a school for an allocation year.

        Raises:
            ValueError: the school has used every serial for that year.
        """
        used = self._upn_serials.setdefault((school.establishment_number, year), set())
        if len(used) >= _UPN_SERIALS:
            raise ValueError("a demo school has run out of UPN serials for one year")
        serial = self.rng.randrange(_UPN_SERIALS)
        while serial in used:
            serial = self.rng.randrange(_UPN_SERIALS)
        used.add(serial)
        body = f"{LA_CODE}{school.establishment_number}{year:02d}{serial:03d}"
        return upn_check_letter(body) + body

    def _nhs_number(self) -> str:
        return allocate_nhs_number(self.rng, self._nhs_numbers)


def allocate_nhs_number(rng: random.Random, taken: set[str]) -> str:
    """Allocate an NHS number from the 999 test range (guidance.md §6.1) not in ``taken``.

    The number is added to ``taken``.
    """
    while True:
        first_nine = f"999{rng.randrange(1_000_000):06d}"
        check = nhs_check_digit(first_nine)
        number = f"{first_nine}{check}"
        if check is not None and number not in taken:
            taken.add(number)
            return number


def _other_sex(sex: str) -> str:
    return "male" if sex == "female" else "female"


def _years_before(day: date, years: int) -> date:
    """Go back whole years (forward if negative), moving 29 February to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
