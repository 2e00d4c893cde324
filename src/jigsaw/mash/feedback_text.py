"""The feedback a referrer gets, worded from the decision for the referrer's kind of agency.

Pure: the outcome, what happens next, and what the referrer can do; a MASH practitioner
edits it before it goes. Never what other agencies said.
"""

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.mash.rules import Outcome

_NEXT = {
    Outcome.NO_FURTHER_ACTION: "Children's social care will take no further action now.",
    Outcome.ADVICE_AND_SIGNPOSTING: "The family will be given advice and told about services "
    "that can help.",
    Outcome.EARLY_HELP: "The family will be offered early help (family help). It is voluntary: "
    "the family will be asked to agree.",
    Outcome.CHILD_IN_NEED_ASSESSMENT: "A social worker will assess the child's needs (a child "
    "in need assessment under section 17).",
    Outcome.STRATEGY_DISCUSSION: "A strategy discussion will be held, and children's social "
    "care may make enquiries under section 47 with the police and health.",
    Outcome.LADO: "The concern has gone to the Local Authority Designated Officer, who deals "
    "with allegations about adults who work with children.",
    Outcome.POLICE: "The concern has gone to the police.",
    Outcome.TRANSFER: "The child lives in another area: the concern has gone to that local "
    "authority's children's services.",
}
_YOU = {
    AgencyKind.SCHOOL: "Keep recording any further worries on your safeguarding system and "
    "share them again here. Your designated safeguarding lead can ask the MASH for a "
    "consultation at any time.",
    AgencyKind.POLICE: "Share any further incidents involving the child here, as you would a PPN.",
    AgencyKind.GP: "Record this decision in the child's notes and share any new concern here; "
    "your named GP for safeguarding can advise.",
}
_YOU_DEFAULT = (
    "Share any new concern here. If the child's situation does not improve, you can share "
    "again or ask the MASH for a consultation."
)
_CHALLENGE = (
    "If you disagree with this decision, you can challenge it below: the MASH manager will "
    "review it under the local escalation (resolution) protocol."
)


def feedback_text(outcome: Outcome, *, referrer: AgencyKind | None, reference: str) -> str:
    """The suggested feedback for a decision on the referrer's concern ``reference``."""
    you = _YOU.get(referrer, _YOU_DEFAULT) if referrer else _YOU_DEFAULT
    return "\n\n".join([
        f"The MASH has decided about your concern {reference}: {outcome.label}.",
        f"What happens next: {_NEXT[outcome]}",
        f"What you can do: {you}",
        _CHALLENGE,
    ])  # fmt: skip
