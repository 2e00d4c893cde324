"""Term mapping: each organisation's risk scale against the shared levels of need.

The scales themselves are the concerns' (``sharing.models.RiskTerm``, an organisation's own;
``sharing.rules.DEFAULT_RISK_SCALES``, each kind's usual one). Here they are read side by
side: every scale in the partnership against levels 1 to 4, and one concern's risk term
beside the level it maps to and the reader's own nearest term. Every mapping is indicative.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import Organisation
from jigsaw.core.uow import UnitOfWork
from jigsaw.glossary.rules import KIND_LABELS
from jigsaw.sharing.models import RiskTerm
from jigsaw.sharing.rules import DEFAULT_RISK_SCALES, default_scale
from jigsaw.taxonomy.levels import LevelOfNeed

Scale = Sequence[tuple[str, LevelOfNeed]]


@dataclass(frozen=True, slots=True)
class ScaleLine:
    """One scale: whose it is, and its terms at each level (index 0 is level 1)."""

    name: str
    own: bool  # an organisation's own scale, not its kind's usual one
    by_level: tuple[tuple[str, ...], ...]


def _by_level(scale: Scale) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(term for term, lvl in scale if lvl is level) for level in LevelOfNeed)


def partnership_scales(uow: UnitOfWork) -> list[ScaleLine]:
    """Every kind's usual scale, then every organisation's own, against the shared levels."""
    lines = [
        ScaleLine(f"{KIND_LABELS[kind]} (usual scale)", own=False, by_level=_by_level(scale))
        for kind, scale in DEFAULT_RISK_SCALES.items()
    ]
    with uow:
        rows = uow.session.execute(
            select(Organisation.name, RiskTerm.term, RiskTerm.level_of_need)
            .join(Organisation, Organisation.id == RiskTerm.organisation_id)
            .order_by(Organisation.name, RiskTerm.position)
        ).all()
    scales: dict[str, list[tuple[str, LevelOfNeed]]] = {}
    for name, term, level in rows:
        scales.setdefault(name, []).append((term, LevelOfNeed(level)))
    lines += [ScaleLine(name, own=True, by_level=_by_level(s)) for name, s in scales.items()]
    return lines


def _scale(session: Session, organisation_id: uuid.UUID, kind: AgencyKind | None) -> Scale:
    """An organisation's own scale, else its kind's usual one."""
    own = session.execute(
        select(RiskTerm.term, RiskTerm.level_of_need)
        .where(RiskTerm.organisation_id == organisation_id)
        .order_by(RiskTerm.position)
    ).all()
    if own:
        return [(term, LevelOfNeed(level)) for term, level in own]
    return default_scale(kind) if kind is not None else ()


@dataclass(frozen=True, slots=True)
class RiskBeside:
    """A risk term as its organisation wrote it, the shared level, and the reader's words."""

    term: str
    organisation: str
    level: LevelOfNeed | None  # None: the term is no longer on its organisation's scale
    yours: tuple[str, ...]  # the reader's own scale's terms at that level
    own: bool  # the reader's organisation wrote it: nothing to translate


def risk_beside(
    uow: UnitOfWork, actor: Actor, *, organisation_id: uuid.UUID, term: str
) -> RiskBeside:
    """``term``, from ``organisation_id``'s scale, beside the shared level and the reader's.

    Raises nothing: an organisation or term no longer known shows the term alone.
    """
    with uow:
        organisation = uow.session.get(Organisation, organisation_id)
        kind = organisation.kind if organisation else None
        theirs = _scale(uow.session, organisation_id, kind)
        own = actor.organisation_id == organisation_id
        mine: Scale = ()
        if not own and actor.organisation_id is not None:
            mine = _scale(uow.session, actor.organisation_id, actor.agency_kind)
    level = next((lvl for t, lvl in theirs if t.casefold() == term.casefold()), None)
    yours = tuple(t for t, lvl in mine if lvl is level) if level is not None else ()
    name = organisation.name if organisation else ""
    return RiskBeside(term, name, level, yours, own or yours == (term,))
