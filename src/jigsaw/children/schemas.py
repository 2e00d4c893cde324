"""API views of a child's record."""

import uuid
from datetime import date

from pydantic import BaseModel

from jigsaw.access.vocabulary import AccessBasis
from jigsaw.children.services import ChildRecord


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
