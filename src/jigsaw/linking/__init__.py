"""Linking an agency's roster (a school roll, a GP list, a police nominal list) to the index."""

from jigsaw.linking.models import LinkReview, LinkReviewStatus, LinkRun
from jigsaw.linking.roster import FORMAT_HELP, Roster, RosterRow, RowError, parse_roster
from jigsaw.linking.rules import Decision, RowDecision
from jigsaw.linking.services import (
    LinkOutcome,
    RosterRejected,
    decide_link_review,
    link_roster,
    open_link_review,
)

__all__ = [
    "FORMAT_HELP",
    "Decision",
    "LinkOutcome",
    "LinkReview",
    "LinkReviewStatus",
    "LinkRun",
    "Roster",
    "RosterRejected",
    "RosterRow",
    "RowDecision",
    "RowError",
    "decide_link_review",
    "link_roster",
    "open_link_review",
    "parse_roster",
]
