"""The records the demo generator produces: plain frozen data, keyed by short stable strings.

Keys such as "org:school-1", "child:00017" and "duplicate:0003" are unique within one
partnership; the loader turns them into UUIDs. Relationship kinds are "parent", "carer",
"sibling" and "household_member"; sexes are "female", "male" and, rarely, "unknown".
"""

from dataclasses import dataclass
from datetime import date

from jigsaw.access.vocabulary import AgencyKind, Role


@dataclass(frozen=True, slots=True)
class DemoOrganisation:
    """An agency in the partnership, with its national (or local) identifier."""

    key: str
    name: str
    kind: AgencyKind
    identifier_scheme: str
    identifier: str


@dataclass(frozen=True, slots=True)
class DemoPersona:
    """A named member of staff whom demonstrations sign in as."""

    key: str
    given_name: str
    family_name: str
    email: str
    job_title: str
    organisation_key: str
    roles: tuple[Role, ...]


@dataclass(frozen=True, slots=True)
class DemoAddress:
    """A home in the fictional town."""

    key: str
    line1: str
    line2: str | None
    town: str
    postcode: str


@dataclass(frozen=True, slots=True)
class DemoAdult:
    """A parent, carer or other adult living in a child's household."""

    key: str
    given_names: str
    family_name: str
    date_of_birth: date
    sex: str
    address_key: str
    # Only an expectant mother's is recorded: her unborn child's plan is held against it.
    nhs_number: str | None = None


@dataclass(frozen=True, slots=True)
class DemoChild:
    """A child's identity record as the partnership's agencies would hold it."""

    key: str
    given_names: str
    family_name: str
    preferred_name: str | None
    previous_family_name: str | None
    date_of_birth: date
    sex: str
    nhs_number: str
    upn: str | None
    school_key: str | None
    gp_key: str
    address_key: str
    moved_in_on: date
    previous_address_key: str | None
    # Other names the child is known by, as (given names, family name).
    aliases: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DemoRelationship:
    """A child's link to an adult (parent, carer, household member) or to a sibling.

    Exactly one of ``related_child_key`` and ``adult_key`` is set. Each pair of siblings is
    recorded once, elder first; the relationship is symmetric.
    """

    child_key: str
    kind: str
    related_child_key: str | None
    adult_key: str | None


@dataclass(frozen=True, slots=True)
class DemoInvolvement:
    """An organisation (and, if named, one persona) working with a child since a date."""

    child_key: str
    organisation_key: str
    persona_key: str | None
    role: str
    started_on: date


@dataclass(frozen=True, slots=True)
class DemoMashCase:
    """An open contact about a child at the MASH, opened some days ago."""

    child_key: str
    organisation_key: str
    opened_days_ago: int


@dataclass(frozen=True, slots=True)
class DemoRestriction:
    """A restricted child, visible only to the named personas."""

    child_key: str
    reason: str
    persona_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemoFlag:
    """A status flag (child protection plan, looked after, child in need) since a date."""

    child_key: str
    kind: str
    category: str | None
    started_on: date


@dataclass(frozen=True, slots=True)
class DemoUnbornPlan:
    """A child protection plan for an unborn child, held against the expectant mother (CP-IS)."""

    expectant_parent_key: str
    category: str
    started_on: date
    due_on: date


@dataclass(frozen=True, slots=True)
class DemoCasework:
    """Who works with which child: the relationships that decide what each persona sees."""

    involvements: tuple[DemoInvolvement, ...]
    mash_cases: tuple[DemoMashCase, ...]
    restrictions: tuple[DemoRestriction, ...]
    flags: tuple[DemoFlag, ...] = ()
    unborn_plans: tuple[DemoUnbornPlan, ...] = ()


@dataclass(frozen=True, slots=True)
class DemoLocalIdentifier:
    """An organisation's own id for a child it works with: case, patient or admission number."""

    child_key: str
    organisation_key: str
    value: str


@dataclass(frozen=True, slots=True)
class DemoDuplicate:
    """A second record of a child, made by one agency before records were linked.

    It holds that agency's version of the child's details (``differences`` names how they
    differ from the child's own record) and the agency's local id, and no family links.
    """

    key: str
    original_key: str
    organisation_key: str
    given_names: str
    family_name: str
    date_of_birth: date
    sex: str
    nhs_number: str | None
    address_key: str
    local_id: str
    recorded_on: date
    differences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemoPartnership:
    """Everything generated for one seed: agencies, staff and the families they serve."""

    seed: int
    local_authority_name: str
    organisations: tuple[DemoOrganisation, ...]
    personas: tuple[DemoPersona, ...]
    addresses: tuple[DemoAddress, ...]
    adults: tuple[DemoAdult, ...]
    children: tuple[DemoChild, ...]
    relationships: tuple[DemoRelationship, ...]
    casework: DemoCasework
    local_identifiers: tuple[DemoLocalIdentifier, ...]
    duplicates: tuple[DemoDuplicate, ...]
    generated_on: date

    def same_child(self, key: str) -> str:
        """The key of the child a record is of: a duplicate's original, any other key itself."""
        return next((d.original_key for d in self.duplicates if d.key == key), key)
