"""A contact's lifecycle, urgency and outcomes: pure rules, tested transition by transition.

The lifecycle follows Primero's referral model (accept, reject with a reason, revoke, done
with a note back) on Working Together's stages: received → screening → awaiting partner
information → decided → closed.
"""

from enum import StrEnum
from types import MappingProxyType

from jigsaw.taxonomy.levels import LevelOfNeed


class ContactState(StrEnum):
    """Where a contact is at the MASH."""

    RECEIVED = "received"
    SCREENING = "screening"
    AWAITING_INFORMATION = "awaiting_information"
    DECIDED = "decided"
    CLOSED = "closed"
    REJECTED = "rejected"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        """The state as the queue shows it."""
        return _STATE_LABELS[self]

    @property
    def is_open(self) -> bool:
        """Whether the contact is still the MASH's to act on (and can be overdue)."""
        return self in {ContactState.RECEIVED, ContactState.SCREENING,
                        ContactState.AWAITING_INFORMATION}  # fmt: skip


_STATE_LABELS = {
    ContactState.RECEIVED: "Received",
    ContactState.SCREENING: "Being screened",
    ContactState.AWAITING_INFORMATION: "Awaiting partner information",
    ContactState.DECIDED: "Decided",
    ContactState.CLOSED: "Closed",
    ContactState.REJECTED: "Rejected",
    ContactState.REVOKED: "Withdrawn by the sharer",
}


class Action(StrEnum):
    """What someone does to a contact."""

    ACCEPT = "accept"  # the MASH takes it on: screening starts
    REQUEST_INFORMATION = "request_information"  # partner checks sent
    INFORMATION_RECEIVED = "information_received"  # back to screening with the answers
    DECIDE = "decide"  # the MASH manager's decision, with outcome and rationale
    CLOSE = "close"  # done: feedback gone, nothing more to do here
    REJECT = "reject"  # not for this MASH (another area, not a safeguarding matter): a reason
    REVOKE = "revoke"  # the sharer withdraws it before a decision


_S = ContactState
TRANSITIONS: MappingProxyType[tuple[ContactState, Action], ContactState] = MappingProxyType({
    (_S.RECEIVED, Action.ACCEPT): _S.SCREENING,
    (_S.SCREENING, Action.REQUEST_INFORMATION): _S.AWAITING_INFORMATION,
    (_S.AWAITING_INFORMATION, Action.INFORMATION_RECEIVED): _S.SCREENING,
    (_S.SCREENING, Action.DECIDE): _S.DECIDED,
    (_S.AWAITING_INFORMATION, Action.DECIDE): _S.DECIDED,
    (_S.DECIDED, Action.CLOSE): _S.CLOSED,
    (_S.RECEIVED, Action.REJECT): _S.REJECTED,
    (_S.SCREENING, Action.REJECT): _S.REJECTED,
    (_S.RECEIVED, Action.REVOKE): _S.REVOKED,
    (_S.SCREENING, Action.REVOKE): _S.REVOKED,
    (_S.AWAITING_INFORMATION, Action.REVOKE): _S.REVOKED,
})  # fmt: skip
# Actions that must say why (kept with the transition, sealed).
NEEDS_REASON = frozenset({Action.REJECT, Action.REVOKE, Action.DECIDE})


class ForbiddenTransition(ValueError):
    """The action is not allowed from the contact's state."""


def next_state(state: ContactState, action: Action) -> ContactState:
    """The state ``action`` leads to from ``state``.

    Raises:
        ForbiddenTransition: the lifecycle does not allow it (a decided contact cannot be
            rejected; a closed one cannot be reopened).
    """
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise ForbiddenTransition(
            f"cannot {action.value} a contact that is {state.value}"
        ) from None


def allowed_actions(state: ContactState) -> list[Action]:
    """What may be done next, in the order a page offers it."""
    return [action for action in Action if (state, action) in TRANSITIONS]


class Urgency(StrEnum):
    """The MASH's RAG rating of a contact, each with its timescale (configurable)."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


def suggested_urgency(level_of_need: int | None, *, immediate_danger: bool) -> Urgency:
    """The rating a contact starts with, from what the sharer said; the MASH may change it."""
    if immediate_danger or level_of_need == LevelOfNeed.CHILD_PROTECTION:
        return Urgency.RED
    if level_of_need == LevelOfNeed.CHILD_IN_NEED:
        return Urgency.AMBER
    return Urgency.GREEN


class Outcome(StrEnum):
    """A MASH decision (guidance.md §4.7, the SSD model's referral outcomes)."""

    NO_FURTHER_ACTION = "nfa"
    ADVICE_AND_SIGNPOSTING = "advice"
    EARLY_HELP = "early_help"
    CHILD_IN_NEED_ASSESSMENT = "s17"
    STRATEGY_DISCUSSION = "s47"
    LADO = "lado"
    POLICE = "police"
    TRANSFER = "transfer"

    @property
    def label(self) -> str:
        """The outcome as practitioners say it."""
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.NO_FURTHER_ACTION: "No further action",
    Outcome.ADVICE_AND_SIGNPOSTING: "Advice and signposting",
    Outcome.EARLY_HELP: "Early help or family help",
    Outcome.CHILD_IN_NEED_ASSESSMENT: "Child in need assessment (section 17)",
    Outcome.STRATEGY_DISCUSSION: "Strategy discussion and section 47 enquiry",
    Outcome.LADO: "Refer to the LADO",
    Outcome.POLICE: "Refer to the police",
    Outcome.TRANSFER: "Transfer to another local authority",
}
