"""Steps shared by linking a roster and settling a review; none commits (the service does)."""

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from jigsaw.access import policy
from jigsaw.access.models import Involvement, InvolvementRole
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import Organisation
from jigsaw.children import (
    Child,
    ChildIdentifier,
    ChildName,
    IdentifierScheme,
    NameKind,
    Sex,
    index,
)
from jigsaw.children.models import ChildMatchRecord
from jigsaw.core.db import Base, insert_many
from jigsaw.linking.queries import CHUNK, chunks
from jigsaw.linking.roster import RosterRow
from jigsaw.matching import PersonRecord

# A chain of merges longer than this is a data problem; stop following it.
_MAX_MERGE_HOPS = 10
# Agencies that issue the UPNs their rosters carry.
_ISSUES_UPNS = frozenset({AgencyKind.SCHOOL, AgencyKind.EARLY_YEARS, AgencyKind.COLLEGE})


def table(model: type[Base]) -> Table:
    """A model's table, for bulk inserts that skip the ORM's per-row bookkeeping."""
    return model.metadata.tables[str(model.__tablename__)]


def usable_children(session: Session, child_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which children may be linked or offered as candidates: in the index and not restricted.

    Restricted children never come out of a roster decision, so a roster neither reveals nor
    reaches them; a child merged into another has left the index.
    """
    ids = list(dict.fromkeys(child_ids))
    indexed: set[uuid.UUID] = set()
    for chunk in chunks(ids):
        query = select(ChildMatchRecord.child_id).where(ChildMatchRecord.child_id.in_(chunk))
        indexed.update(session.scalars(query))
    return indexed - policy.restricted_among(session, indexed)


def still_usable(session: Session, child_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Of children read from the index moments ago, those that may still be linked or offered.

    Only what happened since the read can take one out: a merge (the merged-away record
    leaves the index) or a restriction. Both are rare, so the merged children are read
    whole rather than sending a roster's hundred thousand candidates to ask about.
    """
    ids = set(child_ids)
    merged = select(Child.id).where(Child.merged_into_id.is_not(None))
    return ids - set(session.scalars(merged)) - policy.restricted_among(session, ids)


def current_children(session: Session, child_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """The same few children, each merged-away record replaced by the one it was merged into."""
    ids = list(child_ids)
    for _hop in range(_MAX_MERGE_HOPS):
        query = select(Child.id, Child.merged_into_id).where(
            Child.id.in_(ids), Child.merged_into_id.is_not(None)
        )
        merged = {child_id: kept for child_id, kept in session.execute(query) if kept is not None}
        if not merged:
            break
        ids = [merged.get(child_id, child_id) for child_id in ids]
    return list(dict.fromkeys(ids))


def involved_children(
    session: Session, organisation_id: uuid.UUID, role: InvolvementRole
) -> set[uuid.UUID]:
    """The children the organisation currently works with in this role."""
    query = select(Involvement.child_id).where(
        Involvement.organisation_id == organisation_id,
        Involvement.role == role,
        Involvement.ended_on.is_(None),
    )
    return set(session.scalars(query))


def add_involvements(
    session: Session,
    organisation_id: uuid.UUID,
    role: InvolvementRole,
    child_ids: Sequence[uuid.UUID],
    *,
    today: date,
) -> None:
    """Record that the organisation works with these children from today (a bulk insert)."""
    rows = [
        {
            "id": uuid.uuid4(),
            "child_id": child_id,
            "organisation_id": organisation_id,
            "user_id": None,
            "role": role,
            "started_on": today,
        }
        for child_id in child_ids
    ]
    if rows:
        insert_many(session, table(Involvement), rows)


class LocalIds:
    """An organisation's own ids for children, as recorded, and those to record now."""

    def __init__(self, session: Session, organisation_id: uuid.UUID, values: Iterable[str]) -> None:
        self.organisation_id = organisation_id
        wanted = sorted(set(values))
        query = select(ChildIdentifier.value, ChildIdentifier.child_id).where(
            ChildIdentifier.scheme == IdentifierScheme.LOCAL,
            ChildIdentifier.issuer_id == organisation_id,
        )
        if len(wanted) <= CHUNK:
            query = query.where(ChildIdentifier.value.in_(wanted))
        # Else a whole roster: read all the organisation's ids rather than send as many.
        self.known: dict[str, uuid.UUID] = dict(session.execute(query).all())
        self.new: dict[str, uuid.UUID] = {}

    def child_for(self, value: str | None) -> uuid.UUID | None:
        """The child this id already names, if any."""
        return self.known.get(value) if value else None

    def add(self, child_id: uuid.UUID, value: str | None) -> bool:
        """Note the id for the child; False when it already names another child (not moved)."""
        if value is None:
            return True
        named = self.known.get(value)
        if named is not None:
            return named == child_id
        self.known[value] = self.new[value] = child_id
        return True

    def write(self, session: Session) -> list[uuid.UUID]:
        """Insert the ids noted; return the children they were recorded for."""
        rows = [
            _identifier(child_id, IdentifierScheme.LOCAL, value, self.organisation_id)
            for value, child_id in self.new.items()
        ]
        if rows:
            insert_many(session, table(ChildIdentifier), rows)
        self.new = {}
        return [row["child_id"] for row in rows]


def add_children(
    session: Session, organisation: Organisation, rows: Sequence[RosterRow], *, now: datetime
) -> dict[int, uuid.UUID]:
    """Add a child to the index for each row (names, date of birth, sex, NHS number, UPN).

    No address: a roster gives a postcode, not an address. Returns each row's new child.
    """
    created = {row.row_number: uuid.uuid4() for row in rows}
    if not rows:
        return created
    insert_many(session, table(Child), [
        {"id": created[row.row_number], "date_of_birth": row.date_of_birth,
         "date_of_birth_estimated": False, "sex": Sex(row.sex or Sex.UNKNOWN), "created_at": now}
        for row in rows
    ])  # fmt: skip
    insert_many(session, table(ChildName), [
        {"id": uuid.uuid4(), "child_id": created[row.row_number], "kind": kind,
         "given_names": row.given_names, "family_name": family}
        for row in rows
        for kind, family in [(NameKind.LEGAL, row.family_name),
                             *((NameKind.PREVIOUS, name) for name in row.previous_family_names)]
    ])  # fmt: skip
    _add_national_identifiers(session, organisation, rows, created)
    index.add_to_index(session, [(created[row.row_number], _indexed(row)) for row in rows])
    return created


def _indexed(row: RosterRow) -> PersonRecord:
    """What the index holds for a child added from a row: the record, which has no address."""
    person = row.person()
    return PersonRecord(
        given_names=person.given_names,
        family_name=person.family_name,
        previous_family_names=person.previous_family_names,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        nhs_number=person.nhs_number,
        upn=person.upn,
    )


def _add_national_identifiers(
    session: Session,
    organisation: Organisation,
    rows: Sequence[RosterRow],
    created: dict[int, uuid.UUID],
) -> None:
    """Record the rows' NHS numbers and UPNs, except any another child already holds."""
    upn_issuer = organisation.id if organisation.kind in _ISSUES_UPNS else None
    wanted = [
        (created[row.row_number], scheme, value)
        for row in rows
        for scheme, value in (
            (IdentifierScheme.NHS_NUMBER, row.nhs_number),
            (IdentifierScheme.UPN, row.upn),
        )
        if value
    ]
    held = _held_identifiers(session, {value for _child, _scheme, value in wanted})
    issued: dict[IdentifierScheme, uuid.UUID | None] = {
        IdentifierScheme.NHS_NUMBER: None,
        IdentifierScheme.UPN: upn_issuer,
    }
    rows_to_add = []
    for child_id, scheme, value in wanted:
        if (scheme, value) not in held:
            held.add((scheme, value))
            rows_to_add.append(_identifier(child_id, scheme, value, issued[scheme]))
    if rows_to_add:
        insert_many(session, table(ChildIdentifier), rows_to_add)


def _held_identifiers(session: Session, values: set[str]) -> set[tuple[IdentifierScheme, str]]:
    wanted = sorted(values)
    held: set[tuple[IdentifierScheme, str]] = set()
    for start in range(0, len(wanted), CHUNK):
        query = select(ChildIdentifier.scheme, ChildIdentifier.value).where(
            ChildIdentifier.scheme != IdentifierScheme.LOCAL,
            ChildIdentifier.value.in_(wanted[start : start + CHUNK]),
        )
        held.update((scheme, value) for scheme, value in session.execute(query))
    return held


def _identifier(
    child_id: uuid.UUID, scheme: IdentifierScheme, value: str, issuer_id: uuid.UUID | None
) -> dict[str, Any]:
    return {"id": uuid.uuid4(), "child_id": child_id, "scheme": scheme, "value": value,
            "issuer_id": issuer_id}  # fmt: skip
