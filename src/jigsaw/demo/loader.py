"""Load a generated demo partnership into the database, once.

Every row gets a UUID derived from the seed and its generator key, so a second run finds
the partnership already there and changes nothing. The load is one transaction, audited
as the system actor "cli:demo". The child index's rows are built by ``child_rows``.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from jigsaw import accounts, audit, children
from jigsaw.access.actor import Actor
from jigsaw.access.models import (
    Involvement,
    InvolvementRole,
    MashCase,
    Restriction,
    RestrictionMember,
    RestrictionReason,
)
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts.passwords import hash_password
from jigsaw.accounts.two_factor import new_secret
from jigsaw.children import index
from jigsaw.core import clock
from jigsaw.core.sealing import seal, unseal
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import child_rows
from jigsaw.demo.generator import DemoPartnership
from jigsaw.demo.keys import NAMESPACE, Ids, demo_id

__all__ = [
    "LOAD_STEPS",
    "NAMESPACE",
    "LoadResult",
    "demo_id",
    "load_partnership",
    "persona_authenticator_keys",
]

Step = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a load did: whether it created the partnership, and how many of each."""

    created: bool
    organisations: int
    personas: int
    children: int
    duplicates: int  # children recorded twice: extra records in the index


def load_partnership(
    uow: UnitOfWork,
    actor: Actor,
    *,
    partnership: DemoPartnership,
    password: str,
    secret_key: str,
    on_step: Step | None = None,
) -> LoadResult:
    """Write the partnership unless it is already loaded.

    Personas get ``password`` and an enrolled authenticator whose key is sealed with
    ``secret_key`` (``persona_authenticator_keys`` reads them back for `make demo`).

    Raises:
        Nothing of its own; database errors roll the whole load back.
    """
    step = on_step or (lambda _name: None)
    result = LoadResult(
        created=False,
        organisations=len(partnership.organisations),
        personas=len(partnership.personas),
        children=len(partnership.children),
        duplicates=len(partnership.duplicates),
    )
    with uow:
        first = demo_id(partnership.seed, partnership.organisations[0].key)
        if uow.session.get(accounts.Organisation, first) is not None:
            return result
        load = _Load(uow, actor, partnership, Ids(partnership.seed), password, secret_key)
        for name, writer in _WRITERS:
            writer(load)
            step(name)
        uow.commit()
    return replace(result, created=True)


@dataclass(frozen=True, slots=True)
class _Load:
    uow: UnitOfWork
    actor: Actor
    data: DemoPartnership
    ids: Ids
    password: str
    secret_key: str


def _insert(uow: UnitOfWork, model: Any, rows: Iterable[dict[str, Any]]) -> None:
    batch = list(rows)
    if batch:
        uow.session.execute(insert(model), batch)


_PHONED = frozenset({AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.MASH})


def _organisations(load: "_Load") -> None:
    uow, actor, data, ids = load.uow, load.actor, load.data, load.ids
    now = clock.now()
    rows: list[dict[str, Any]] = [
        {
            "id": ids(org.key),
            "name": org.name,
            "kind": org.kind,
            "identifier_scheme": org.identifier_scheme,
            "identifier": org.identifier,
            "created_at": now,
            # Ofcom's numbers for drama (01632 960…): whom an agency calls about a child on
            # a plan, told when its event is about one (the council's front door and EDT).
            "phone": f"01632 960{number:03d}" if org.kind in _PHONED else None,
            "out_of_hours_phone": f"01632 960{number + 500:03d}" if org.kind in _PHONED else None,
        }
        for number, org in enumerate(data.organisations)
    ]
    _insert(uow, accounts.Organisation, rows)
    audit.record_many(
        uow, actor, "organisation:registered", subject_type="organisation",
        subject_ids=[row["id"] for row in rows],
    )  # fmt: skip


def _personas(load: "_Load") -> None:
    uow, actor, data, ids = load.uow, load.actor, load.data, load.ids
    now = clock.now()
    # One hash for all personas: argon2 is slow by design and they share the demo password.
    password_hash = hash_password(load.password)
    enrolled_at = clock.now()
    users: list[dict[str, Any]] = [
        {
            "id": ids(persona.key),
            "organisation_id": ids(persona.organisation_key),
            "email": persona.email,
            "display_name": f"{persona.given_name} {persona.family_name}",
            "job_title": persona.job_title,
            "password_hash": password_hash,
            "totp_secret_sealed": seal(new_secret(), secret_key=load.secret_key),
            "totp_enrolled_at": enrolled_at,
            "is_active": True,
            "created_at": now,
        }
        for persona in data.personas
    ]
    grants = [
        {"user_id": ids(persona.key), "role": role}
        for persona in data.personas
        for role in persona.roles
    ]
    _insert(uow, accounts.User, users)
    _insert(uow, accounts.RoleGrant, grants)
    audit.record_many(
        uow, actor, "user:created", subject_type="user", subject_ids=[row["id"] for row in users]
    )


def _addresses(load: "_Load") -> None:
    uow, data, ids = load.uow, load.data, load.ids
    rows: list[dict[str, Any]] = [
        {
            "id": ids(address.key),
            "line1": address.line1,
            "line2": address.line2,
            "town": address.town,
            "postcode": address.postcode,
        }
        for address in data.addresses
    ]
    _insert(uow, children.Address, rows)


def _adults(load: "_Load") -> None:
    uow, actor, data, ids = load.uow, load.actor, load.data, load.ids
    now = clock.now()
    rows: list[dict[str, Any]] = [
        {
            "id": ids(adult.key),
            "given_names": adult.given_names,
            "family_name": adult.family_name,
            "date_of_birth": adult.date_of_birth,
            "sex": children.Sex(adult.sex),
            "nhs_number": adult.nhs_number,
            "address_id": ids(adult.address_key),
            "created_at": now,
        }
        for adult in data.adults
    ]
    _insert(uow, children.Adult, rows)
    audit.record_many(
        uow, actor, "adult:recorded", subject_type="adult", subject_ids=[row["id"] for row in rows]
    )


def _children(load: "_Load") -> None:
    """The children and duplicate records, their names, ids and homes, and the match index."""
    uow, actor, data, ids = load.uow, load.actor, load.data, load.ids
    rows = child_rows.child_rows(data, ids, clock.now())
    _insert(uow, children.Child, rows)
    _insert(uow, children.ChildName, child_rows.name_rows(data, ids))
    _insert(uow, children.ChildIdentifier, child_rows.identifier_rows(data, ids))
    _insert(uow, children.ChildAddress, child_rows.address_rows(data, ids))
    index.add_to_index(uow.session, child_rows.index_records(data, ids))
    audit.record_many(
        uow, actor, "child:recorded", subject_type="child", subject_ids=[row["id"] for row in rows]
    )


def _relationships(load: "_Load") -> None:
    uow, data, ids = load.uow, load.data, load.ids
    rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid5(
                ids(rel.child_key), f"{rel.kind}:{rel.related_child_key}:{rel.adult_key}"
            ),
            "child_id": ids(rel.child_key),
            "kind": children.RelationshipKind(rel.kind),
            "related_child_id": ids.optional(rel.related_child_key),
            "adult_id": ids.optional(rel.adult_key),
            "valid_from": None,
            "valid_to": None,
        }
        for rel in data.relationships
    ]
    _insert(uow, children.ChildRelationship, rows)


def _casework(load: _Load) -> None:
    """Involvements, open MASH contacts and restrictions: what each persona may see."""
    uow, data, ids = load.uow, load.data, load.ids
    today, now = clock.today(), clock.now()
    involvements: list[dict[str, Any]] = [
        {
            "id": uuid.uuid5(ids(i.child_key), f"{i.organisation_key}:{i.persona_key}:{i.role}"),
            "child_id": ids(i.child_key),
            "organisation_id": ids(i.organisation_key),
            "user_id": ids.optional(i.persona_key),
            "role": InvolvementRole(i.role),
            "started_on": min(i.started_on, today),
            "ended_on": None,
        }
        for i in data.casework.involvements
    ]
    _insert(uow, Involvement, involvements)
    cases = [
        {
            "id": uuid.uuid5(ids(c.child_key), "mash_case"),
            "child_id": ids(c.child_key),
            "organisation_id": ids(c.organisation_key),
            "opened_at": now - timedelta(days=c.opened_days_ago),
            "closed_at": None,
        }
        for c in data.casework.mash_cases
    ]
    _insert(uow, MashCase, cases)
    restrictions = data.casework.restrictions
    _insert(uow, Restriction, [
        {"child_id": ids(r.child_key), "reason": RestrictionReason(r.reason), "created_at": now}
        for r in restrictions
    ])  # fmt: skip
    _insert(uow, RestrictionMember, [
        {"child_id": ids(r.child_key), "user_id": ids(key)}
        for r in restrictions
        for key in r.persona_keys
    ])  # fmt: skip
    council = next(o.key for o in data.organisations if o.kind is AgencyKind.CHILDRENS_SOCIAL_CARE)
    flags: list[dict[str, Any]] = [
        {
            "id": uuid.uuid5(ids(f.child_key), f"flag:{f.kind}"),
            "child_id": ids(f.child_key),
            "kind": children.FlagKind(f.kind),
            "category": children.AbuseCategory(f.category) if f.category else None,
            "recorded_by_id": ids(council),
            "started_on": min(f.started_on, today),
            "ended_on": None,
        }
        for f in data.casework.flags
    ]
    _insert(uow, children.ChildFlag, flags)
    _insert(uow, children.ChildFlag, [
        {
            "id": uuid.uuid5(ids(plan.expectant_parent_key), "flag:unborn_child_protection_plan"),
            "child_id": None,
            "expectant_parent_id": ids(plan.expectant_parent_key),
            "due_on": plan.due_on,
            "kind": children.FlagKind.UNBORN_CHILD_PROTECTION_PLAN,
            "category": children.AbuseCategory(plan.category),
            "recorded_by_id": ids(council),
            "started_on": min(plan.started_on, today),
            "ended_on": None,
        }
        for plan in data.casework.unborn_plans
    ])  # fmt: skip
    audit.record_many(
        uow, load.actor, "involvement:recorded", subject_type="involvement",
        subject_ids=[row["id"] for row in involvements],
    )  # fmt: skip


_WRITERS: tuple[tuple[str, Callable[[_Load], None]], ...] = (
    ("organisations", _organisations),
    ("people who sign in", _personas),
    ("addresses", _addresses),
    ("parents and carers", _adults),
    ("children", _children),
    ("relationships", _relationships),
    ("who works with which child", _casework),
)

LOAD_STEPS = tuple(name for name, _writer in _WRITERS)


def persona_authenticator_keys(
    uow: UnitOfWork, *, partnership: DemoPartnership, secret_key: str
) -> dict[str, str]:
    """Each persona's authenticator key by email, for `make demo` to print (demo only)."""
    with uow:
        rows = uow.session.execute(
            select(accounts.User.email, accounts.User.totp_secret_sealed).where(
                accounts.User.id.in_(
                    [demo_id(partnership.seed, p.key) for p in partnership.personas]
                )
            )
        )
        return {email: unseal(sealed, secret_key=secret_key) for email, sealed in rows if sealed}
