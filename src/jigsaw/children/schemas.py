"""API views and forms: a child's record, search, and the duplicates queue."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import TypeVar

from pydantic import BaseModel

from jigsaw.access.vocabulary import AccessBasis
from jigsaw.children.models import AbuseCategory, Address, ChildAddress, ChildFlag, ChildMerge, Sex
from jigsaw.children.plans import NewBaby
from jigsaw.children.reviews import ChildIdentity, DuplicateCase, QueuedPair
from jigsaw.children.search import SearchResult
from jigsaw.children.services import ChildRecord
from jigsaw.core.errors import Invalid
from jigsaw.matching import PersonRecord
from jigsaw.matching.identifiers import nhs_number_is_valid, normalise_nhs_number

View = TypeVar("View", bound=BaseModel)


class ChildNameView(BaseModel):
    """One of the child's names, with the period it was used where known."""

    kind: str
    given_names: str
    family_name: str
    valid_from: date | None = None
    valid_to: date | None = None


class ChildIdentifierView(BaseModel):
    """An identifier, with the organisation that issued it where there is one."""

    scheme: str
    value: str
    issuer_id: uuid.UUID | None
    issuer: str | None = None


class AddressView(BaseModel):
    """Where the child lived, from when to when (``valid_to`` empty while current)."""

    line1: str
    line2: str | None
    town: str
    postcode: str
    valid_from: date | None
    valid_to: date | None

    @classmethod
    def from_row(cls, lived: ChildAddress, address: Address) -> "AddressView":
        """Build the view from the address and the period the child lived there."""
        return cls(line1=address.line1, line2=address.line2, town=address.town,
                   postcode=address.postcode, valid_from=lived.valid_from,
                   valid_to=lived.valid_to)  # fmt: skip


class RelativeView(BaseModel):
    """A parent, carer, household member or brother or sister."""

    kind: str
    name: str
    year_of_birth: int | None
    child_id: uuid.UUID | None


class InvolvementView(BaseModel):
    """An organisation (and the practitioner, where named) working with the child."""

    role: str
    organisation_id: uuid.UUID
    organisation: str
    practitioner: str | None
    started_on: date
    ended_on: date | None


class ChildFlagView(BaseModel):
    """A status flag: child protection plan (with its category of abuse), looked after, CIN."""

    kind: str
    category: str | None
    started_on: date
    ended_on: date | None
    due_on: date | None = None


class UnbornSiblingPlanView(BaseModel):
    """A child protection plan for an unborn brother or sister, held against a parent."""

    parent_name: str
    category: str | None
    started_on: date
    due_on: date | None
    recorded_by: str


class ChildView(BaseModel):
    """A child's identity record and the basis on which the caller reached it."""

    id: uuid.UUID
    date_of_birth: date | None
    date_of_birth_estimated: bool
    sex: str
    names: list[ChildNameView]
    identifiers: list[ChildIdentifierView]
    addresses: list[AddressView]
    family: list[RelativeView]
    involvements: list[InvolvementView]
    flags: list[ChildFlagView]
    unborn_sibling_plans: list[UnbornSiblingPlanView]
    access_basis: AccessBasis

    @classmethod
    def from_record(cls, record: ChildRecord) -> "ChildView":
        """Build the view from what the service returned."""
        child = record.child
        return cls(
            id=child.id,
            date_of_birth=child.date_of_birth,
            date_of_birth_estimated=child.date_of_birth_estimated,
            sex=child.sex,
            names=_views(ChildNameView, record.names),
            identifiers=_views(ChildIdentifierView, record.identifiers),
            addresses=[AddressView.from_row(lived, address) for lived, address in record.addresses],
            family=_views(RelativeView, record.family),
            involvements=_views(InvolvementView, record.involvements),
            flags=_views(ChildFlagView, record.flags),
            unborn_sibling_plans=_views(UnbornSiblingPlanView, record.unborn_sibling_plans),
            access_basis=record.access.basis,
        )


def _views(view: type[View], items: Sequence[object]) -> list[View]:
    """Build one view per item from its attributes (records, rows and dataclasses alike)."""
    return [view.model_validate(item, from_attributes=True) for item in items]


class ChildSearchForm(BaseModel):
    """What a practitioner knows about the child they are looking for (any mix)."""

    given_names: str = ""
    family_name: str = ""
    day: str = ""
    month: str = ""
    year: str = ""
    sex: str = ""
    postcode: str = ""
    nhs_number: str = ""
    upn: str = ""
    # Your organisation's own id for the child (a case number, a hospital number, ...).
    local_id: str = ""

    def to_query(self) -> PersonRecord:
        """The search as the matcher reads it.

        Raises:
            Invalid: nothing to search by, a date that does not exist, or a mistyped NHS number.
        """
        errors: dict[str, str] = {}
        born = self._date_of_birth(errors)
        nhs = normalise_nhs_number(self.nhs_number) if self.nhs_number.strip() else None
        if nhs is not None and not nhs_number_is_valid(nhs):
            errors["nhs_number"] = "NHS number must be 10 digits with a valid check digit"
        ids = nhs or self.upn.strip() or self.local_id.strip()
        if not (self.family_name.strip() or self.given_names.strip() or ids):
            errors["family_name"] = "Enter a name, an NHS number, a unique pupil number or your id"
        if errors:
            raise Invalid(errors)
        return PersonRecord(
            given_names=self.given_names.strip(),
            family_name=self.family_name.strip(),
            date_of_birth=born,
            sex=self.sex or None,
            postcode=self.postcode.strip() or None,
            nhs_number=nhs,
            upn=self.upn.strip() or None,
            # Only ever compared with the searcher's own organisation's ids (children.search).
            other_identifier=self.local_id.strip() or None,
        )

    def _date_of_birth(self, errors: dict[str, str]) -> date | None:
        parts = (self.day.strip(), self.month.strip(), self.year.strip())
        if not any(parts):
            return None
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            errors["day"] = "Date of birth must be a real date, like 27 3 2015"
            return None


class SearchResultView(BaseModel):
    """A child a search found, with the reason, and whether the caller may open the record."""

    child_id: uuid.UUID
    band: str
    probability: float
    name: str
    year_of_birth: int | None
    postcode_district: str | None
    agencies: list[str]
    may_open: bool
    explanation: list[str]
    rule: str | None

    @classmethod
    def from_result(cls, result: SearchResult) -> "SearchResultView":
        """Build the view from a search result."""
        return cls(
            child_id=result.child_id,
            band=result.match.band,
            probability=round(result.match.probability, 4),
            name=result.name,
            year_of_birth=result.year_of_birth,
            postcode_district=result.postcode_district,
            agencies=list(result.agencies),
            may_open=result.may_open,
            explanation=[evidence.text for evidence in result.match.explanation],
            rule=result.match.rule,
        )


class IndexedChildView(BaseModel):
    """A child as the match index holds them: what the matcher compared."""

    child_id: uuid.UUID
    given_names: str
    family_name: str
    date_of_birth: date | None
    sex: str | None
    postcode: str | None

    @classmethod
    def from_record(cls, child_id: uuid.UUID, record: PersonRecord) -> "IndexedChildView":
        """Build the view from an index record."""
        return cls(child_id=child_id, given_names=record.given_names,
                   family_name=record.family_name, date_of_birth=record.date_of_birth,
                   sex=record.sex, postcode=record.postcode)  # fmt: skip


class QueuedPairView(BaseModel):
    """An open duplicate review: two children who may be one, and how likely."""

    review_id: uuid.UUID
    probability: float
    rule: str | None
    first: IndexedChildView
    second: IndexedChildView

    @classmethod
    def from_pair(cls, pair: QueuedPair) -> "QueuedPairView":
        """Build the view from a queued pair."""
        review = pair.review
        return cls(
            review_id=review.id,
            probability=round(review.probability, 4),
            rule=review.rule,
            first=IndexedChildView.from_record(review.child_id, pair.first),
            second=IndexedChildView.from_record(review.other_child_id, pair.second),
        )


class EvidenceView(BaseModel):
    """How one field compared, its weight in bits, and the words shown for it."""

    field: str
    level: str
    weight: float
    text: str


class ChildIdentityView(BaseModel):
    """One child's identity details as a person deciding on a duplicate compares them."""

    child_id: uuid.UUID
    date_of_birth: date | None
    date_of_birth_estimated: bool
    sex: str
    names: list[ChildNameView]
    identifiers: list[ChildIdentifierView]
    addresses: list[AddressView]
    agencies: list[str]

    @classmethod
    def from_identity(cls, identity: ChildIdentity) -> "ChildIdentityView":
        """Build the view from one side of a duplicate case."""
        child = identity.child
        return cls(
            child_id=child.id,
            date_of_birth=child.date_of_birth,
            date_of_birth_estimated=child.date_of_birth_estimated,
            sex=child.sex,
            names=_views(ChildNameView, identity.names),
            identifiers=_views(ChildIdentifierView, identity.identifiers),
            addresses=[
                AddressView.from_row(lived, address) for lived, address in identity.addresses
            ],
            agencies=identity.agencies,
        )


class DuplicateCaseView(BaseModel):
    """Both children side by side, with the matcher's score and per-field explanation now."""

    review_id: uuid.UUID
    probability: float
    band: str
    rule: str | None
    explanation: list[EvidenceView]
    first: ChildIdentityView
    second: ChildIdentityView

    @classmethod
    def from_case(cls, case: DuplicateCase) -> "DuplicateCaseView":
        """Build the view from a duplicate case."""
        match = case.match
        return cls(
            review_id=case.review.id,
            probability=round(match.probability, 4),
            band=match.band,
            rule=match.rule or case.review.rule,
            explanation=[
                EvidenceView(field=e.field, level=e.level, weight=round(e.weight, 2), text=e.text)
                for e in match.explanation
            ],
            first=ChildIdentityView.from_identity(case.first),
            second=ChildIdentityView.from_identity(case.second),
        )


class MergeForm(BaseModel):
    """A person's decision that two records are one child: which to keep, and why."""

    keep: str = ""
    reason: str = ""

    def keep_id(self) -> uuid.UUID | None:
        """The record chosen to keep, or None if none (or something else) was sent."""
        try:
            return uuid.UUID(self.keep)
        except ValueError:
            return None


class MergeView(BaseModel):
    """A merge: which record was kept, which merged into it, and whether it was undone."""

    id: uuid.UUID
    kept_id: uuid.UUID
    merged_id: uuid.UUID
    merged_at: datetime
    reason: str
    rows_moved: int
    unmerged_at: datetime | None

    @classmethod
    def from_merge(cls, merge: ChildMerge) -> "MergeView":
        """Build the view from a merge."""
        return cls(id=merge.id, kept_id=merge.kept_id, merged_id=merge.merged_id,
                   merged_at=merge.merged_at, reason=merge.reason, rows_moved=len(merge.moved),
                   unmerged_at=merge.unmerged_at)  # fmt: skip


class DecisionView(BaseModel):
    """Where a duplicate review stands after a decision."""

    review_id: uuid.UUID
    status: str


class UnbornPlanForm(BaseModel):
    """A child protection plan for an unborn child, held against the expectant parent."""

    expectant_parent_id: uuid.UUID
    due_on: date
    started_on: date
    category: AbuseCategory | None = None


class UnbornPlanView(BaseModel):
    """An unborn child's plan: against the parent until the birth, then against the child."""

    id: uuid.UUID
    expectant_parent_id: uuid.UUID | None
    child_id: uuid.UUID | None
    due_on: date | None
    started_on: date
    category: AbuseCategory | None

    @classmethod
    def from_flag(cls, flag: ChildFlag) -> "UnbornPlanView":
        """Build the view from the stored flag."""
        return cls(id=flag.id, expectant_parent_id=flag.expectant_parent_id,
                   child_id=flag.child_id, due_on=flag.due_on, started_on=flag.started_on,
                   category=flag.category)  # fmt: skip


class BirthForm(BaseModel):
    """Who the baby is: a child already recorded (``child_id``), or a new one (the rest)."""

    child_id: uuid.UUID | None = None
    given_names: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    sex: Sex = Sex.UNKNOWN
    nhs_number: str | None = None

    def baby(self) -> NewBaby | None:
        """The new baby's details, or None when the baby is already recorded.

        Raises:
            Invalid: a new baby without a date of birth.
        """
        if self.child_id is not None:
            return None
        if self.date_of_birth is None:
            raise Invalid({"date_of_birth": "Enter the baby's date of birth"})
        return NewBaby(given_names=self.given_names, family_name=self.family_name,
                       date_of_birth=self.date_of_birth, sex=self.sex,
                       nhs_number=self.nhs_number or None)  # fmt: skip
