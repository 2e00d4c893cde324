"""Linking's writes: a roster linked in one transaction, and possible matches settled."""

from jigsaw.linking.services.reviews import (
    ComparedCandidate,
    ReviewComparison,
    decide_link_review,
    list_possible_matches,
    open_link_review,
)
from jigsaw.linking.services.rosters import (
    LinkOutcome,
    RosterOverview,
    RosterRejected,
    download_decisions,
    find_organisation,
    get_link_run,
    link_roster,
    roster_overview,
)

__all__ = [
    "ComparedCandidate",
    "LinkOutcome",
    "ReviewComparison",
    "RosterOverview",
    "RosterRejected",
    "decide_link_review",
    "download_decisions",
    "find_organisation",
    "get_link_run",
    "link_roster",
    "list_possible_matches",
    "open_link_review",
    "roster_overview",
]
