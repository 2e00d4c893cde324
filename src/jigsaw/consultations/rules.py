"""A consultation's states and outcomes: pure rules."""

import secrets
from enum import StrEnum

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread


class ConsultationState(StrEnum):
    """Where a consultation is."""

    REQUESTED = "requested"  # waiting for an advisor
    ADVISED = "advised"  # the advice is recorded and the asker can read it
    WITHDRAWN = "withdrawn"  # the asker no longer needs it

    @property
    def label(self) -> str:
        """The state as the queue shows it."""
        return _STATE_LABELS[self]


_STATE_LABELS = {
    ConsultationState.REQUESTED: "Waiting for advice",
    ConsultationState.ADVISED: "Advice given",
    ConsultationState.WITHDRAWN: "Withdrawn",
}


class ConsultationOutcome(StrEnum):
    """What the advisor advised the practitioner to do."""

    NO_ACTION = "no_action"
    SHARE_WITH_CONSENT = "share_with_consent"
    MAKE_REFERRAL = "make_referral"
    CALL_POLICE = "call_police"

    @property
    def label(self) -> str:
        """The outcome in the practitioner's words."""
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    ConsultationOutcome.NO_ACTION: "No action needed",
    ConsultationOutcome.SHARE_WITH_CONSENT: "Share with consent",
    ConsultationOutcome.MAKE_REFERRAL: "Make a referral to the MASH",
    ConsultationOutcome.CALL_POLICE: "Call the police",
}


class Channel(StrEnum):
    """How the consultation came in."""

    FORM = "form"  # the practitioner's short form in Jigsaw
    PHONE = "phone"  # a call the advisor logged


def new_reference() -> str:
    """A short reference, safe to read out on the phone: "T-" for "talk it through"."""
    return "T-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(7))
