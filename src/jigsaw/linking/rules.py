"""What becomes of each roster row: linked, queued for a person, added, or reported.

Pure functions. A false link is as dangerous as a missed one (it puts one child's
information in another's record), so a row is linked without a person only when one
child clearly matches and nothing suggests a twin or sibling.
"""

import csv
import io
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from jigsaw.access.models import InvolvementRole
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.linking.roster import RowError
from jigsaw.matching import (
    Band,
    Field,
    IdentifierLevel,
    MatchScore,
    PersonRecord,
    may_merge_automatically,
)
from jigsaw.matching.batch import Candidate
from jigsaw.matching.explain import describe


class Decision(StrEnum):
    """What a roster row came to."""

    MATCHED = "matched"  # linked to a child in the index: involvement recorded
    POSSIBLE = "possible"  # queued for a person in the organisation to check
    NO_MATCH = "no_match"  # no child in the index matched, and none was added
    CREATED = "created"  # no child matched, so one was added to the index
    ERROR = "error"  # the row has a problem, so nothing in the roster was linked


# How an organisation works with every child on its roster (a person's own role, such
# as class teacher, is declared by them, not by a roster).
ROSTER_ROLES = (
    InvolvementRole.SCHOOL_ATTENDED,
    InvolvementRole.REGISTERED_GP,
    InvolvementRole.HEALTH_VISITOR,
    InvolvementRole.SCHOOL_NURSE,
    InvolvementRole.HOSPITAL,
    InvolvementRole.CHILDRENS_SOCIAL_CARE,
    InvolvementRole.EARLY_HELP_WORKER,
    InvolvementRole.OTHER,
)
DEFAULT_ROLES: Mapping[AgencyKind, InvolvementRole] = {
    AgencyKind.SCHOOL: InvolvementRole.SCHOOL_ATTENDED,
    AgencyKind.EARLY_YEARS: InvolvementRole.SCHOOL_ATTENDED,
    AgencyKind.COLLEGE: InvolvementRole.SCHOOL_ATTENDED,
    AgencyKind.GP: InvolvementRole.REGISTERED_GP,
    AgencyKind.ACUTE_HEALTH: InvolvementRole.HOSPITAL,
    AgencyKind.COMMUNITY_HEALTH: InvolvementRole.HEALTH_VISITOR,
    AgencyKind.CHILDRENS_SOCIAL_CARE: InvolvementRole.CHILDRENS_SOCIAL_CARE,
    AgencyKind.EARLY_HELP: InvolvementRole.EARLY_HELP_WORKER,
}
DECISION_COLUMNS = (
    "row",
    "local_id",
    "decision",
    "child_id",
    "probability",
    "band",
    "explanation",
)
TWO_MATCHES = "more than one child matches (twins or siblings?): a person must choose"
SAME_CHILD_TWICE = "another row matches the same child: a person must check"
_BLANK = PersonRecord(given_names="", family_name="")
_QUOTED = re.compile(r" \((?: / )?\)$")


@dataclass(frozen=True, slots=True)
class RowDecision:
    """One line of the decisions file: a roster row, what came of it, and why."""

    row: int
    local_id: str | None
    decision: Decision
    child_id: uuid.UUID | None = None
    probability: float | None = None
    band: str | None = None
    explanation: str = ""


def roster_role(kind: AgencyKind, chosen: str | None) -> InvolvementRole | None:
    """The role a roster records: the one chosen, else the agency's usual one (None if invalid)."""
    if not chosen:
        return DEFAULT_ROLES.get(kind, InvolvementRole.OTHER)
    return next((role for role in ROSTER_ROLES if role.value == chosen), None)


def may_link_automatically(
    row: PersonRecord, candidates: Sequence[Candidate], records: Mapping[str, PersonRecord]
) -> bool:
    """Whether the best candidate may be linked without a person checking.

    Only a clear "match" with no hard rule, when no second child also matches (twins look
    alike), and either an NHS number or UPN is the same or the pair passes the matcher's
    twin-and-sibling checks (so a nickname at the same birthday goes to a person).
    """
    if not candidates:
        return False
    best = candidates[0].match
    if best.band is not Band.MATCH or best.rule is not None:
        return False
    if len(candidates) > 1 and candidates[1].match.band is Band.MATCH:
        return False
    if _shares_an_identifier(best):
        return True
    return may_merge_automatically(row, records[candidates[0].record_id], best)


def _shares_an_identifier(match: MatchScore) -> bool:
    return any(
        evidence.field in {Field.NHS_NUMBER, Field.UPN} and evidence.level == IdentifierLevel.SAME
        for evidence in match.explanation
    )


def plain_explanation(match: MatchScore) -> str:
    """How each recorded field compared, in plain words and quoting no names.

    The decisions file goes to the organisation that sent the roster, whose staff may not
    see the index's record of the child: it says how the fields compared, never what the
    index holds.
    """
    parts = [match.rule] if match.rule else []
    parts.extend(
        _field_words(evidence.field, evidence.level)
        for evidence in match.explanation
        if evidence.level != "missing"
    )
    return "; ".join(parts)


@cache
def _field_words(field: Field, level: str) -> str:
    """How a field compared, without the names the plain-words template quotes."""
    return _QUOTED.sub("", describe(field, level, _BLANK, _BLANK))


def evidence_json(match: MatchScore) -> list[dict[str, object]]:
    """Per-field levels and weights as a review stores them (words are made when shown)."""
    return [
        {"field": e.field.value, "level": e.level, "weight": round(e.weight, 4)}
        for e in match.explanation
    ]


def candidate_json(child_id: uuid.UUID, match: MatchScore) -> dict[str, object]:
    """One candidate as a review stores it: the child, the score, the evidence."""
    return {
        "child_id": str(child_id),
        "probability": round(match.probability, 6),
        "band": match.band.value,
        "rule": match.rule,
        "evidence": evidence_json(match),
    }


def rejected_rows(errors: Iterable[RowError], local_ids: Mapping[int, str]) -> list[RowDecision]:
    """The decisions file of a roster that was refused: one line per problem."""
    return [
        RowDecision(
            row=error.row or 0,
            local_id=local_ids.get(error.row or 0),
            decision=Decision.ERROR,
            explanation=f"{error.column}: {error.message}" if error.column else error.message,
        )
        for error in errors
    ]


def decisions_csv(decisions: Iterable[RowDecision]) -> str:
    """The decisions file: every row, its decision, the child, the score and why."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DECISION_COLUMNS)
    for d in decisions:
        writer.writerow(
            [
                d.row,
                d.local_id or "",
                d.decision.value,
                d.child_id or "",
                "" if d.probability is None else f"{d.probability:.4f}",
                d.band or "",
                d.explanation,
            ]
        )
    return out.getvalue()
