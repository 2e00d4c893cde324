"""What notifications say, and when a failing email is retried or given up on (pure).

An email leaves Jigsaw for mailboxes Jigsaw does not control, so it carries nothing about a
child or a concern: only its kind's fixed wording, a short reference, an organisation's
name and a link to sign in and look. There is no free-text parameter for anything else.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class NotificationKind(StrEnum):
    """What a notification is about; each kind has fixed wording (``WORDING``)."""

    CONCERN_SHARED_WITH_YOU = "concern_shared_with_you"
    CONCERN_RECEIVED = "concern_received"
    CONCERN_STATUS_CHANGED = "concern_status_changed"
    FEEDBACK_SENT = "feedback_sent"
    FEEDBACK_OVERDUE = "feedback_overdue"
    DECISION_CHALLENGED = "decision_challenged"
    INFORMATION_REQUESTED = "information_requested"
    INFORMATION_CHASED = "information_chased"
    INFORMATION_ANSWERED = "information_answered"
    CHALLENGE_REVIEWED = "challenge_reviewed"
    CONSULTATION_REQUESTED = "consultation_requested"
    CONSULTATION_ADVISED = "consultation_advised"
    ALERT_RAISED = "alert_raised"
    ALERT_ESCALATED = "alert_escalated"


# "A concern has been shared with {organisation}": the only placeholder any wording has.
WORDING: dict[NotificationKind, str] = {
    NotificationKind.CONCERN_SHARED_WITH_YOU: "A concern has been shared with {organisation}",
    NotificationKind.CONCERN_RECEIVED: "Your concern has been received",
    NotificationKind.CONCERN_STATUS_CHANGED: "A concern you are involved with has changed status",
    NotificationKind.FEEDBACK_SENT: "The MASH has decided about your concern: read its feedback",
    NotificationKind.FEEDBACK_OVERDUE: "Feedback to a referrer is overdue",
    NotificationKind.DECISION_CHALLENGED: "A referrer has challenged a MASH decision",
    NotificationKind.INFORMATION_REQUESTED: "The MASH asks what {organisation} holds about a child",
    NotificationKind.INFORMATION_CHASED: "The MASH is still waiting for {organisation}'s answer",
    NotificationKind.INFORMATION_ANSWERED: "A partner agency has answered the MASH",
    NotificationKind.CHALLENGE_REVIEWED: "The MASH manager has reviewed your challenge",
    NotificationKind.CONSULTATION_REQUESTED: "A practitioner asks to talk a worry through",
    NotificationKind.CONSULTATION_ADVISED: "The consultation line has answered: read its advice",
    NotificationKind.ALERT_RAISED: "Jigsaw has raised an alert for {organisation}: please look",
    NotificationKind.ALERT_ESCALATED: "An alert for {organisation} has not been acknowledged",
}
YOUR_ORGANISATION = "your organisation"

# A reference is letters, a dash and letters or digits ("C-7K3Q9"): never a name or a date.
REFERENCE = re.compile(r"[A-Z]{1,4}-[0-9A-Z]{4,12}")
# A link is a path inside Jigsaw: no scheme, host, query string or fragment to carry data.
LINK = re.compile(r"/[A-Za-z0-9_\-/]{0,199}")
# An organisation's name shows in a subject line: one line, no control characters.
ORGANISATION_NAME = re.compile(r"[^\x00-\x1f\x7f]{1,200}")

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
JITTER = 0.1  # up to 10 % later, so a backlog does not retry in lock step
MAX_ATTEMPTS = 20
GIVE_UP_AFTER = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class EmailText:
    """An email's subject and plain-text body."""

    subject: str
    body: str


def check_notice(reference: str, link: str, organisation_name: str | None) -> None:
    """Refuse a reference, link or organisation name that could carry anything else.

    Raises:
        ValueError: the caller passed something that is not a reference, a path inside
            Jigsaw or an organisation's name (a programming error, not a user's).
    """
    if not REFERENCE.fullmatch(reference):
        raise ValueError("a notification reference looks like C-7K3Q9")
    if not LINK.fullmatch(link) or "//" in link:
        raise ValueError("a notification link is a path inside Jigsaw, with no query string")
    if organisation_name is not None and not ORGANISATION_NAME.fullmatch(organisation_name):
        raise ValueError("an organisation name is one line of at most 200 characters")


def headline(kind: NotificationKind, organisation_name: str | None) -> str:
    """The kind's fixed wording, with the organisation's name where it has one."""
    return WORDING[kind].format(organisation=organisation_name or YOUR_ORGANISATION)


def compose_email(
    kind: NotificationKind,
    *,
    reference: str,
    link: str,
    organisation_name: str | None,
    base_url: str,
) -> EmailText:
    """The email for a notification: fixed wording, the reference and a link, nothing more."""
    subject = f"{headline(kind, organisation_name)} ({reference})"
    body = (
        f"{headline(kind, organisation_name)}.\n"
        "\n"
        f"Reference: {reference}\n"
        "\n"
        f"Sign in to Jigsaw to see it: {base_url}{link}\n"
        "\n"
        "This email holds no details, on purpose: they are kept in Jigsaw.\n"
        "Replies to this address are not read.\n"
    )
    return EmailText(subject=subject, body=body)


def retry_delay(attempts: int, jitter: float = 0.0) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 30 s, doubling, at most an hour.

    ``jitter`` (0 to 1) stretches the wait by up to ``JITTER`` of itself.
    """
    doubled = FIRST_RETRY * (1 << min(max(attempts - 1, 0), 16))
    return min(doubled, LONGEST_WAIT) * (1 + JITTER * jitter)


def should_give_up(attempts: int, created_at: datetime, now: datetime) -> bool:
    """Whether an email that keeps failing is abandoned (after 20 tries or a day)."""
    return attempts >= MAX_ATTEMPTS or now - created_at >= GIVE_UP_AFTER
