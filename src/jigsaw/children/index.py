"""The match index: what searching, linking and training read about every child, kept current.

Two tables mirror the child record for matching: ``child_match_records`` (one row of identity
facts per child, as ``PersonRecord`` wants them) and ``child_match_keys`` (the blocking keys
a search looks candidates up by). Whatever changes a child's names, identifiers, date of birth
or address calls ``reindex`` in the same transaction; a child merged into another leaves the
index, so searches and links find only the kept record.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.orm import Session

from jigsaw.children.models import (
    Address,
    Child,
    ChildAddress,
    ChildIdentifier,
    ChildMatchKey,
    ChildMatchRecord,
    ChildName,
    IdentifierScheme,
    NameKind,
)
from jigsaw.matching import PersonRecord, blocking_keys
from jigsaw.matching.batch import INDEX_COLUMNS

KEY_LENGTH = 120
# Rows per IN (...) list: below SQLite's and PostgreSQL's parameter limits with room to spare.
_CHUNK = 5_000


def record_row(child_id: uuid.UUID, record: PersonRecord) -> dict[str, Any]:
    """The ``child_match_records`` row for a child."""
    return {
        "child_id": child_id,
        "given_names": record.given_names,
        "family_name": record.family_name,
        "previous_family_names": "|".join(record.previous_family_names),
        "date_of_birth": record.date_of_birth,
        "sex": record.sex,
        "postcode": record.postcode,
        "nhs_number": record.nhs_number,
        "upn": record.upn,
        "household_key": record.household_key,
        "address_line": record.address_line,
    }


def key_rows(child_id: uuid.UUID, record: PersonRecord) -> list[dict[str, Any]]:
    """The ``child_match_keys`` rows that let searches find a child."""
    return [
        {"key": key[:KEY_LENGTH], "child_id": child_id} for key in sorted(blocking_keys(record))
    ]


def person_from_row(row: ChildMatchRecord | Any) -> PersonRecord:
    """A ``PersonRecord`` from a ``child_match_records`` row (an ORM object or a result row)."""
    previous = row.previous_family_names
    return PersonRecord(
        given_names=row.given_names,
        family_name=row.family_name,
        previous_family_names=tuple(previous.split("|")) if previous else (),
        date_of_birth=row.date_of_birth,
        sex=row.sex,
        postcode=row.postcode,
        nhs_number=row.nhs_number,
        upn=row.upn,
        household_key=row.household_key,
        address_line=row.address_line,
    )


def add_to_index(session: Session, records: Iterable[tuple[uuid.UUID, PersonRecord]]) -> None:
    """Index children not indexed yet (a bulk insert: new children, demo loading, linking)."""
    records = list(records)
    for start in range(0, len(records), _CHUNK):
        chunk = records[start : start + _CHUNK]
        session.execute(insert(ChildMatchRecord), [record_row(i, r) for i, r in chunk])
        keys = [row for child_id, record in chunk for row in key_rows(child_id, record)]
        if keys:
            session.execute(insert(ChildMatchKey), keys)


def remove_from_index(session: Session, child_ids: Sequence[uuid.UUID]) -> None:
    """Take children out of the index (merged away, or about to be reindexed)."""
    for start in range(0, len(child_ids), _CHUNK):
        chunk = list(child_ids[start : start + _CHUNK])
        session.execute(delete(ChildMatchKey).where(ChildMatchKey.child_id.in_(chunk)))
        session.execute(delete(ChildMatchRecord).where(ChildMatchRecord.child_id.in_(chunk)))


def reindex(session: Session, child_ids: Sequence[uuid.UUID]) -> None:
    """Rebuild the index rows of these children from their records, in the caller's transaction.

    A child merged into another (``merged_into_id`` set) or without a legal name is left out.
    """
    session.flush()
    remove_from_index(session, child_ids)
    add_to_index(session, records_from_child_tables(session, child_ids).items())


def indexed_records(
    session: Session, child_ids: Sequence[uuid.UUID] | Select[uuid.UUID]
) -> dict[uuid.UUID, PersonRecord]:
    """What the scorer compares for each of these children (ids, or a query of ids), in one query.

    Rows come back as plain tuples, not ORM objects: a search reads hundreds of them.
    """
    ids = child_ids if isinstance(child_ids, Select) else list(child_ids)
    columns = [getattr(ChildMatchRecord, name) for name in _RECORD_COLUMNS]
    rows = session.execute(select(*columns).where(ChildMatchRecord.child_id.in_(ids)))
    return {row.child_id: person_from_row(row) for row in rows}


# The index's columns in the order batch linking reads them (the child id first).
_RECORD_COLUMNS = ("child_id", *INDEX_COLUMNS[1:])


def records_from_child_tables(
    session: Session, child_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, PersonRecord]:
    """Build each child's ``PersonRecord`` from the record itself (the source of truth)."""
    ids = list(child_ids)
    children = {
        c.id: c
        for c in session.scalars(
            select(Child).where(Child.id.in_(ids), Child.merged_into_id.is_(None))
        )
    }
    names: dict[uuid.UUID, list[ChildName]] = defaultdict(list)
    for name in session.scalars(select(ChildName).where(ChildName.child_id.in_(ids))):
        names[name.child_id].append(name)
    identifiers: dict[uuid.UUID, dict[IdentifierScheme, str]] = defaultdict(dict)
    for identifier in session.scalars(
        select(ChildIdentifier).where(
            ChildIdentifier.child_id.in_(ids), ChildIdentifier.scheme != IdentifierScheme.LOCAL
        )
    ):
        identifiers[identifier.child_id][identifier.scheme] = identifier.value
    homes: dict[uuid.UUID, Address] = {
        row[0]: row[1]
        for row in session.execute(
            select(ChildAddress.child_id, Address)
            .join(Address, Address.id == ChildAddress.address_id)
            .where(ChildAddress.child_id.in_(ids), ChildAddress.valid_to.is_(None))
        )
    }
    records = {}
    for child_id, child in children.items():
        legal = next((n for n in names[child_id] if n.kind is NameKind.LEGAL), None)
        if legal is None:
            continue
        home = homes.get(child_id)
        records[child_id] = PersonRecord(
            given_names=legal.given_names,
            family_name=legal.family_name,
            previous_family_names=tuple(
                n.family_name for n in names[child_id] if n.kind is NameKind.PREVIOUS
            ),
            date_of_birth=child.date_of_birth,
            sex=child.sex.value,
            postcode=home.postcode if home else None,
            nhs_number=identifiers[child_id].get(IdentifierScheme.NHS_NUMBER),
            upn=identifiers[child_id].get(IdentifierScheme.UPN),
            household_key=str(home.id) if home else None,
            address_line=home.line1 if home else None,
        )
    return records
