"""The fictional town the demo partnership serves: its streets, its agencies and their staff.

Eastmoor is invented. Its postcode area "EM" is not a real UK postcode area, although its
postcodes have the shape guidance.md §6.2 requires. The LA code 799 is not a DfE local
authority number, the URNs and ODS codes are outside issued ranges, and every email address is
under ``example.org``, which RFC 2606 reserves, so no demo message can reach a real person.
"""

import random
from dataclasses import dataclass
from typing import NamedTuple

from jigsaw.access.vocabulary import AgencyKind, Role

TOWN = "Eastmoor"
LOCAL_AUTHORITY_NAME = "Eastmoor Council"
LA_CODE = "799"
POSTCODE_AREA = "EM"
EMAIL_DOMAIN = "example.org"

# Letters the strict postcode pattern allows in an inward code (never C, I, K, M, O or V).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_OPEN_STREETS = 40  # streets being filled at once, so neighbours are spread across the town
_POSTCODE_BLOCK = 20  # consecutive house numbers that share one postcode
_FLATS = 0.12  # share of homes that are flats
_WITH_LOCALITY = 0.5  # share of house addresses written with their neighbourhood


class OrganisationSpec(NamedTuple):
    """An agency in the partnership, with the mail host its staff use."""

    key: str
    name: str
    kind: AgencyKind
    identifier_scheme: str
    identifier: str
    mail_host: str


class SchoolSpec(NamedTuple):
    """What a school teaches and the DfE establishment number its UPNs carry."""

    organisation_key: str
    establishment_number: str
    teaches_primary: bool
    teaches_secondary: bool


class PersonaSpec(NamedTuple):
    """A named member of staff whom demonstrations sign in as."""

    key: str
    given_name: str
    family_name: str
    mailbox: str
    job_title: str
    organisation_key: str
    roles: tuple[Role, ...]


def _words(text: str) -> tuple[str, ...]:
    """Split a block of whitespace-separated words into a tuple."""
    return tuple(text.split())


# Neighbourhoods, in postcode-district order: Town Centre is EM1, Kingsmead EM10.
LOCALITIES: tuple[str, ...] = (
    "Town Centre", "Northgate", "Moorside", "Castle Hill", "Riverside", "Highfield",
    "Brackenbury", "Westfield", "Ashby Green", "Kingsmead",
)  # fmt: skip
STREET_STEMS: tuple[str, ...] = _words(
    """
    Moor Church Mill Station Victoria Albert Kingfisher Heather Bracken Willow Ash Rowan Beech
    Oak Meadow Brook Fell Lark Castle Bridge Market Chapel Orchard Garden Park School Priory
    Abbey Cedar Elm Hawthorn Holly Juniper Laurel Maple Poplar Sycamore Alder Primrose Bluebell
    Foxglove Clover Thistle Heron Swallow Wren Kestrel Curlew Plover Linnet Tanner Weaver Cooper
    Fletcher Mason Carter Salter Ropewalk Quarry Furnace Canal Wharf Lock Ferry Windmill
    """
)
STREET_SUFFIXES: tuple[str, ...] = _words(
    """
    Road Street Lane Avenue Close Drive Way Crescent Grove Terrace Gardens Court Place Rise
    View Walk
    """
)

# The MASH is hosted by the council but is a separate organisation in Jigsaw. It has no
# national identifier, so it carries a local one.
# fmt: off
ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    OrganisationSpec("org:la", "Eastmoor Council Children's Services",
                     AgencyKind.CHILDRENS_SOCIAL_CARE, "la", LA_CODE, "eastmoor-council"),
    OrganisationSpec("org:mash", "Eastmoor Multi-Agency Safeguarding Hub",
                     AgencyKind.MASH, "local", "EASTMOOR-MASH", "mash.eastmoor-council"),
    OrganisationSpec("org:school-1", "Oakfield Primary School",
                     AgencyKind.SCHOOL, "urn", "990101", "oakfield-primary"),
    OrganisationSpec("org:school-2", "St Aidan's CofE Primary School",
                     AgencyKind.SCHOOL, "urn", "990102", "st-aidans-primary"),
    OrganisationSpec("org:school-3", "Kestrel Hill Academy",
                     AgencyKind.SCHOOL, "urn", "990103", "kestrel-hill-academy"),
    OrganisationSpec("org:school-4", "Moorside All-Through School",
                     AgencyKind.SCHOOL, "urn", "990104", "moorside-school"),
    OrganisationSpec("org:gp-1", "Riverside Medical Practice",
                     AgencyKind.GP, "ods", "Y99901", "riverside-medical"),
    OrganisationSpec("org:gp-2", "Castle Hill Surgery",
                     AgencyKind.GP, "ods", "Y99902", "castle-hill-surgery"),
    OrganisationSpec("org:hospital", "Eastmoor Hospitals NHS Foundation Trust",
                     AgencyKind.ACUTE_HEALTH, "ods", "R9E", "eastmoor-hospitals"),
    OrganisationSpec("org:health-visiting", "Eastmoor Health Visiting Service",
                     AgencyKind.COMMUNITY_HEALTH, "ods", "R9F", "eastmoor-community-health"),
    OrganisationSpec("org:police", "Moorshire Police",
                     AgencyKind.POLICE, "police_force", "99", "moorshire-police"),
)

# Establishment numbers follow DfE's convention: 2xxx primary, 4xxx secondary and all-through.
SCHOOLS: tuple[SchoolSpec, ...] = (
    SchoolSpec("org:school-1", "2101", teaches_primary=True, teaches_secondary=False),
    SchoolSpec("org:school-2", "2102", teaches_primary=True, teaches_secondary=False),
    SchoolSpec("org:school-3", "4101", teaches_primary=False, teaches_secondary=True),
    SchoolSpec("org:school-4", "4102", teaches_primary=True, teaches_secondary=True),
)
GP_PRACTICES: tuple[str, ...] = ("org:gp-1", "org:gp-2")

PERSONAS: tuple[PersonaSpec, ...] = (
    PersonaSpec("persona:dsl-oakfield", "Joanne", "Whitfield", "dsl",
                "Deputy Headteacher and Designated Safeguarding Lead", "org:school-1",
                (Role.DESIGNATED_SAFEGUARDING_LEAD,)),
    PersonaSpec("persona:teacher-oakfield", "Tom", "Bradley", "teacher",
                "Year 4 Class Teacher", "org:school-1", (Role.PRACTITIONER,)),
    PersonaSpec("persona:admin-oakfield", "Lucy", "Pearce", "office",
                "School Business Manager", "org:school-1", (Role.ORGANISATION_ADMIN,)),
    PersonaSpec("persona:dsl-kestrel", "Aisha", "Rahman", "dsl",
                "Designated Safeguarding Lead", "org:school-3",
                (Role.DESIGNATED_SAFEGUARDING_LEAD,)),
    PersonaSpec("persona:gp-riverside", "Rebecca", "Lund", "safeguarding.lead",
                "GP Partner and Practice Safeguarding Lead", "org:gp-1",
                (Role.PRACTITIONER, Role.DESIGNATED_SAFEGUARDING_LEAD)),
    PersonaSpec("persona:health-visitor", "Grace", "Okafor", "health.visitor",
                "Health Visitor", "org:health-visiting", (Role.PRACTITIONER,)),
    PersonaSpec("persona:ed-nurse", "Daniel", "Price", "ed.nurse",
                "Emergency Department Staff Nurse", "org:hospital", (Role.PRACTITIONER,)),
    PersonaSpec("persona:police-officer", "Mark", "Fenwick", "ppu.officer",
                "Police Constable, Public Protection Unit", "org:police", (Role.PRACTITIONER,)),
    PersonaSpec("persona:mash-practitioner", "Priya", "Sharma", "practitioner",
                "MASH Social Worker", "org:mash", (Role.MASH_PRACTITIONER,)),
    PersonaSpec("persona:mash-manager", "Claire", "Donnelly", "manager",
                "MASH Team Manager", "org:mash", (Role.MASH_MANAGER,)),
    PersonaSpec("persona:consultation-advisor", "Nadia", "Hussain", "consultation",
                "Consultation Line Advisor", "org:mash", (Role.CONSULTATION_ADVISOR,)),
    PersonaSpec("persona:social-worker", "Jordan", "Ellis", "social.worker",
                "Social Worker, Assessment Team", "org:la", (Role.SOCIAL_WORKER,)),
    PersonaSpec("persona:privacy-officer", "Stephen", "Carr", "dpo",
                "Data Protection Officer", "org:la", (Role.PRIVACY_OFFICER,)),
    PersonaSpec("persona:system-admin", "Ben", "Hartley", "jigsaw.admin",
                "Jigsaw System Administrator", "org:la", (Role.SYSTEM_ADMIN,)),
)
# fmt: on


class Home(NamedTuple):
    """A newly allocated home: two address lines and a postcode, all in ``TOWN``."""

    line1: str
    line2: str | None
    postcode: str


@dataclass(slots=True)
class _Street:
    """A street and the house numbers on it not yet given to anyone."""

    name: str
    district: int
    sector: int
    numbers: list[int]


class StreetPlan:
    """Hands out homes on invented streets, each number once, with well-formed postcodes."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._unbuilt = [f"{stem} {suffix}" for stem in STREET_STEMS for suffix in STREET_SUFFIXES]
        rng.shuffle(self._unbuilt)
        self._open: list[_Street] = []
        self._postcodes: dict[tuple[str, int], str] = {}
        self._issued: set[str] = set()

    def new_home(self) -> Home:
        """Allocate a home no one else has been given.

        Raises:
            ValueError: every house on every street has been allocated.
        """
        while len(self._open) < _OPEN_STREETS:
            self._open.append(self._new_street())
        street = self._rng.choice(self._open)
        number = street.numbers.pop()
        if not street.numbers:
            self._open.remove(street)
        postcode = self._postcode(street, number)
        if self._rng.random() < _FLATS:
            return Home(f"Flat {self._rng.randint(1, 9)}", f"{number} {street.name}", postcode)
        locality = LOCALITIES[street.district - 1] if self._rng.random() < _WITH_LOCALITY else None
        return Home(f"{number} {street.name}", locality, postcode)

    def _new_street(self) -> _Street:
        """Lay out a new street of 12 to 160 houses in a random neighbourhood."""
        if not self._unbuilt:
            raise ValueError("the demo town has no more streets")
        numbers = list(range(1, self._rng.randint(12, 160) + 1))
        self._rng.shuffle(numbers)
        district = self._rng.randint(1, len(LOCALITIES))
        return _Street(self._unbuilt.pop(), district, self._rng.randint(0, 9), numbers)

    def _postcode(self, street: _Street, number: int) -> str:
        """Give each block of neighbouring houses one postcode that no other block has."""
        block = (street.name, number // _POSTCODE_BLOCK)
        if block not in self._postcodes:
            outward = f"{POSTCODE_AREA}{street.district} {street.sector}"
            postcode = outward + "".join(self._rng.choices(_INWARD_LETTERS, k=2))
            while postcode in self._issued:
                postcode = outward + "".join(self._rng.choices(_INWARD_LETTERS, k=2))
            self._issued.add(postcode)
            self._postcodes[block] = postcode
        return self._postcodes[block]
