"""The child index rows of a generated partnership: children, their names, ids and homes.

Pure: plain dicts for bulk inserts, and each indexed child's ``PersonRecord``. The children
include the duplicates (a second record of a child, with that agency's details), which are
children in the index like any other until someone merges them.
"""

import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from jigsaw import children
from jigsaw.demo.keys import Ids
from jigsaw.demo.records import DemoPartnership
from jigsaw.matching import PersonRecord

Row = dict[str, Any]


def child_rows(data: DemoPartnership, ids: Ids, now: datetime) -> list[Row]:
    """One ``children`` row for each child and each duplicate record."""
    people = [(c.key, c.date_of_birth, c.sex) for c in data.children]
    people += [(d.key, d.date_of_birth, d.sex) for d in data.duplicates]
    return [
        {
            "id": ids(key),
            "date_of_birth": born,
            "date_of_birth_estimated": False,
            "sex": children.Sex(sex),
            "created_at": now,
        }
        for key, born, sex in people
    ]


def name_rows(data: DemoPartnership, ids: Ids) -> Iterator[Row]:
    """Each child's legal, preferred, previous and alias names; a duplicate's legal name."""
    for child in data.children:
        child_id = ids(child.key)
        yield _name(child_id, children.NameKind.LEGAL, child.given_names, child.family_name)
        if child.preferred_name:
            yield _name(child_id, children.NameKind.PREFERRED, child.preferred_name,
                        child.family_name)  # fmt: skip
        if child.previous_family_name:
            yield _name(child_id, children.NameKind.PREVIOUS, child.given_names,
                        child.previous_family_name)  # fmt: skip
        for number, (given, family) in enumerate(child.aliases, start=1):
            yield _name(child_id, children.NameKind.ALIAS, given, family, f"alias:{number}")
    for duplicate in data.duplicates:
        yield _name(ids(duplicate.key), children.NameKind.LEGAL, duplicate.given_names,
                    duplicate.family_name)  # fmt: skip


def _name(
    child_id: uuid.UUID, kind: children.NameKind, given: str, family: str, label: str = ""
) -> Row:
    return {
        "id": uuid.uuid5(child_id, f"name:{label or kind}"),
        "child_id": child_id,
        "kind": kind,
        "given_names": given,
        "family_name": family,
        "valid_from": None,
        "valid_to": None,
    }


def identifier_rows(data: DemoPartnership, ids: Ids) -> Iterator[Row]:
    """NHS numbers, UPNs (issued by the school) and agencies' local ids (by the agency)."""
    for child in data.children:
        child_id = ids(child.key)
        yield _identifier(child_id, children.IdentifierScheme.NHS_NUMBER, child.nhs_number, None)
        if child.upn is not None:
            issuer = ids.optional(child.school_key)
            yield _identifier(child_id, children.IdentifierScheme.UPN, child.upn, issuer)
    local = [(i.child_key, i.organisation_key, i.value) for i in data.local_identifiers]
    local += [(d.key, d.organisation_key, d.local_id) for d in data.duplicates]
    for key, organisation, value in local:
        scheme = children.IdentifierScheme.LOCAL
        yield _identifier(ids(key), scheme, value, ids(organisation), f"local:{organisation}")
    for duplicate in data.duplicates:
        if duplicate.nhs_number is not None:
            scheme = children.IdentifierScheme.NHS_NUMBER
            yield _identifier(ids(duplicate.key), scheme, duplicate.nhs_number, None)


def _identifier(
    child_id: uuid.UUID,
    scheme: children.IdentifierScheme,
    value: str,
    issuer_id: uuid.UUID | None,
    label: str = "",
) -> Row:
    return {
        "id": uuid.uuid5(child_id, label or scheme),
        "child_id": child_id,
        "scheme": scheme,
        "value": value,
        "issuer_id": issuer_id,
    }


def address_rows(data: DemoPartnership, ids: Ids) -> Iterator[Row]:
    """Where each child lives and, if they moved recently, lived; a duplicate's one address."""
    for child in data.children:
        child_id = ids(child.key)
        yield _lived(child_id, "address:current", ids(child.address_key), child.moved_in_on, None)
        if child.previous_address_key is not None:
            previous = ids(child.previous_address_key)
            yield _lived(child_id, "address:previous", previous, None, child.moved_in_on)
    for duplicate in data.duplicates:
        address = ids(duplicate.address_key)
        yield _lived(ids(duplicate.key), "address:current", address, None, None)


def _lived(child_id: uuid.UUID, label: str, address_id: uuid.UUID, since: Any, until: Any) -> Row:
    return {
        "id": uuid.uuid5(child_id, label),
        "child_id": child_id,
        "address_id": address_id,
        "valid_from": since,
        "valid_to": until,
    }


def index_records(data: DemoPartnership, ids: Ids) -> Iterable[tuple[uuid.UUID, PersonRecord]]:
    """What the match index holds for each child and duplicate.

    The same records ``jigsaw.children.index`` would build from the rows above.
    """
    postcodes = {address.key: address.postcode for address in data.addresses}
    lines = {address.key: address.line1 for address in data.addresses}
    for child in data.children:
        yield (
            ids(child.key),
            PersonRecord(
                given_names=child.given_names,
                family_name=child.family_name,
                previous_family_names=tuple(filter(None, [child.previous_family_name])),
                date_of_birth=child.date_of_birth,
                sex=child.sex,
                postcode=postcodes[child.address_key],
                nhs_number=child.nhs_number,
                upn=child.upn,
                household_key=str(ids(child.address_key)),
                address_line=lines[child.address_key],
            ),
        )
    for duplicate in data.duplicates:
        yield (
            ids(duplicate.key),
            PersonRecord(
                given_names=duplicate.given_names,
                family_name=duplicate.family_name,
                date_of_birth=duplicate.date_of_birth,
                sex=duplicate.sex,
                postcode=postcodes[duplicate.address_key],
                nhs_number=duplicate.nhs_number,
                household_key=str(ids(duplicate.address_key)),
                address_line=lines[duplicate.address_key],
            ),
        )
