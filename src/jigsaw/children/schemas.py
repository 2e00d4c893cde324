"""API views of a child's record."""

import uuid
from datetime import date

from pydantic import BaseModel

from jigsaw.access.vocabulary import AccessBasis
from jigsaw.children.search import SearchResult
from jigsaw.children.services import ChildRecord
from jigsaw.core.errors import Invalid
from jigsaw.matching import PersonRecord
from jigsaw.matching.identifiers import nhs_number_is_valid, normalise_nhs_number


class ChildNameView(BaseModel):
    """One of the child's names."""

    kind: str
    given_names: str
    family_name: str


class ChildIdentifierView(BaseModel):
    """An identifier, with the organisation that issued it where there is one."""

    scheme: str
    value: str
    issuer_id: uuid.UUID | None


class ChildFlagView(BaseModel):
    """A status flag: child protection plan (with its category of abuse), looked after, CIN."""

    kind: str
    category: str | None
    started_on: date
    ended_on: date | None


class ChildView(BaseModel):
    """A child's identity record and the basis on which the caller reached it."""

    id: uuid.UUID
    date_of_birth: date | None
    date_of_birth_estimated: bool
    sex: str
    names: list[ChildNameView]
    identifiers: list[ChildIdentifierView]
    flags: list[ChildFlagView]
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
            names=[
                ChildNameView(kind=n.kind, given_names=n.given_names, family_name=n.family_name)
                for n in child.names
            ],
            identifiers=[
                ChildIdentifierView(scheme=i.scheme, value=i.value, issuer_id=i.issuer_id)
                for i in child.identifiers
            ],
            flags=[
                ChildFlagView(
                    kind=f.kind, category=f.category, started_on=f.started_on, ended_on=f.ended_on
                )
                for f in record.flags
            ],
            access_basis=record.access.basis,
        )


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
        if not (self.family_name.strip() or self.given_names.strip() or nhs or self.upn.strip()):
            errors["family_name"] = "Enter a name, an NHS number or a unique pupil number"
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
