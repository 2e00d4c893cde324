"""What a concern must hold before it is sent, and the scales it is told in: pure rules."""

import secrets
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.taxonomy import categories
from jigsaw.taxonomy.lawful_basis import (
    Article6Basis,
    Article9Condition,
    ConsentNotSoughtReason,
    ConsentPosition,
    LawEnforcementBasis,
    Schedule1Condition,
    Sector,
)
from jigsaw.taxonomy.levels import LevelOfNeed

# References are read out on the phone: no 0/O, 1/I/L, 5/S, 2/Z.
_REFERENCE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
NARRATIVE_MAX = 20_000
SHORT_TEXT_MAX = 4_000

L = LevelOfNeed
# Each kind of agency's usual risk scale, in its own words, mapped to the shared levels
# (indicative, as every mapping is: a police "standard" DASH risk may still be a child in need).
DEFAULT_RISK_SCALES: MappingProxyType[AgencyKind, tuple[tuple[str, LevelOfNeed], ...]] = (
    MappingProxyType({
        AgencyKind.POLICE: (("DASH standard", L.FAMILY_HELP), ("DASH medium", L.CHILD_IN_NEED),
                            ("DASH high", L.CHILD_PROTECTION)),
        AgencyKind.SCHOOL: (("Welfare note", L.UNIVERSAL), ("Low-level concern", L.FAMILY_HELP),
                            ("Safeguarding concern", L.CHILD_IN_NEED),
                            ("Child protection concern", L.CHILD_PROTECTION)),
        AgencyKind.GP: (("Safeguarding: monitor", L.FAMILY_HELP),
                        ("Safeguarding: child in need", L.CHILD_IN_NEED),
                        ("Safeguarding: child protection", L.CHILD_PROTECTION)),
        AgencyKind.ACUTE_HEALTH: (("Level 1 universal", L.UNIVERSAL),
                                  ("Level 2 additional needs", L.FAMILY_HELP),
                                  ("Level 3 complex needs", L.CHILD_IN_NEED),
                                  ("Level 4 safeguarding", L.CHILD_PROTECTION)),
        AgencyKind.COMMUNITY_HEALTH: (("Universal", L.UNIVERSAL),
                                      ("Universal Plus", L.FAMILY_HELP),
                                      ("Universal Partnership Plus", L.CHILD_IN_NEED),
                                      ("Safeguarding", L.CHILD_PROTECTION)),
        AgencyKind.CHILDRENS_SOCIAL_CARE: (("Green", L.FAMILY_HELP), ("Amber", L.CHILD_IN_NEED),
                                           ("Red", L.CHILD_PROTECTION)),
        AgencyKind.MASH: (("Green", L.FAMILY_HELP), ("Amber", L.CHILD_IN_NEED),
                          ("Red", L.CHILD_PROTECTION)),
    })
)  # fmt: skip
_GENERIC_SCALE = tuple((level.label, level) for level in LevelOfNeed)

_PUBLIC_BODIES = frozenset(AgencyKind) - {AgencyKind.POLICE, AgencyKind.VOLUNTARY_SECTOR}


def new_reference() -> str:
    """A short reference for a concern, safe to put in an email and read out on the phone."""
    return "C-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(7))


def sector_of(kind: AgencyKind) -> Sector:
    """Which lawful bases an agency can rely on (§2.1): public bodies, police, the rest."""
    if kind is AgencyKind.POLICE:
        return Sector.POLICE
    return Sector.PUBLIC_BODY if kind in _PUBLIC_BODIES else Sector.VOLUNTARY_SECTOR


def default_scale(kind: AgencyKind) -> tuple[tuple[str, LevelOfNeed], ...]:
    """The risk scale an organisation of this kind uses until it configures its own."""
    return DEFAULT_RISK_SCALES.get(kind, _GENERIC_SCALE)


@dataclass(frozen=True, slots=True)
class SharingDecision:
    """The decision and its lawful basis, kept apart from the consent position."""

    decision: str | None = None
    purpose: str = ""
    article_6: Article6Basis | None = None
    article_9: Article9Condition | None = None
    schedule_1: Schedule1Condition | None = None
    part_3: LawEnforcementBasis | None = None
    consent: ConsentPosition | None = None
    consent_not_sought_reason: ConsentNotSoughtReason | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Draft:
    """Everything a sharer can write on a concern: all optional while it is a draft."""

    immediate_danger: bool = False
    happened_on: date | None = None
    how_known: str | None = None
    categories: tuple[str, ...] = ()
    agency_risk_term: str | None = None
    level_of_need: int | None = None
    narrative: str = ""
    child_words: str = ""
    actions_taken: str = ""
    subject_description: str = ""
    decision: SharingDecision = field(default_factory=SharingDecision)


def problems_before_sending(
    draft: Draft, *, identified: bool, recipients: int, is_police: bool
) -> dict[str, str]:
    """What is missing or wrong before the concern can be sent; field name → message.

    A decision not to share is a record too: it needs its reasons but no recipient or basis.
    """
    problems = problems_in_draft(draft)
    decision = draft.decision
    if not identified and not draft.subject_description.strip():
        problems["subject_description"] = "Describe the child as well as you can"
    if not draft.narrative.strip():
        problems["narrative"] = "Say what happened"
    if draft.happened_on is None:
        problems["happened_on"] = "Enter the date it happened, or your best estimate"
    if draft.how_known is None:
        problems["how_known"] = (
            "Say how you know: you saw it, the child told you, or someone else did"
        )
    if decision.decision is None:
        problems["decision"] = "Say whether you are sharing this information"
        return problems
    problems.update(_problems_in_decision(decision, recipients=recipients, is_police=is_police))
    return problems


def _problems_in_decision(
    decision: SharingDecision, *, recipients: int, is_police: bool
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if decision.decision == "do_not_share":
        if not decision.reason.strip():
            problems["reason"] = "Say why you are not sharing, so the decision can be reviewed"
        return problems
    if recipients == 0:
        problems["recipients"] = (
            "Choose who to share with: the MASH or an agency working with the child"
        )
    if not decision.purpose.strip():
        problems["purpose"] = "Say why you are sharing, for example: to keep the child safe"
    if decision.article_6 is None and not (is_police and decision.part_3):
        problems["article_6"] = "Choose the lawful basis you are relying on"
    if decision.consent is None:
        problems["consent"] = "Say whether you sought consent"
    elif decision.consent is ConsentPosition.SOUGHT_AND_REFUSED and not decision.reason.strip():
        problems["reason"] = "Say why you are sharing although consent was refused"
    elif (
        decision.consent is ConsentPosition.NOT_SOUGHT
        and decision.consent_not_sought_reason is None
    ):
        problems["consent_not_sought_reason"] = "Say why consent was not sought"
    return problems


def problems_in_draft(draft: Draft) -> dict[str, str]:
    """What is wrong with a draft however far it has got (a draft is saved anyway)."""
    problems: dict[str, str] = {}
    unknown = categories.unknown_codes(list(draft.categories))
    if unknown:
        problems["categories"] = "Choose categories from the list"
    if draft.level_of_need is not None and draft.level_of_need not in {int(x) for x in L}:
        problems["level_of_need"] = "Choose a level of need from 1 to 4"
    for name, limit in (("narrative", NARRATIVE_MAX), ("child_words", NARRATIVE_MAX),
                        ("actions_taken", SHORT_TEXT_MAX),
                        ("subject_description", SHORT_TEXT_MAX)):  # fmt: skip
        if len(getattr(draft, name)) > limit:
            problems[name] = f"Keep this under {limit:,} characters"
    return problems


def what_was_shared(draft: Draft, *, attachments: int) -> list[str]:
    """The parts of the concern that went to its recipients, as recorded on sending."""
    parts = ["what happened and when", "how it is known", "categories", "level of need"]
    if draft.child_words.strip():
        parts.append("the child's own words")
    if draft.actions_taken.strip():
        parts.append("actions already taken")
    if attachments:
        parts.append(f"{attachments} attachment{'s' if attachments != 1 else ''}")
    return parts
