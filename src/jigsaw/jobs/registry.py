"""The periodic jobs. Each calls a service as an audited system actor, like the CLI does."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from jigsaw import audit, children, notifications
from jigsaw.access.actor import Actor
from jigsaw.alerts import services as alerts
from jigsaw.alerts.reading import rules_from
from jigsaw.audit.keys import signing_key
from jigsaw.config import Settings
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.events.services import RULES_WAKE
from jigsaw.mash import feedback, partner_checks


@dataclass(frozen=True, slots=True)
class Job:
    """Something to do every ``every``; ``run`` gets a unit of work and the settings.

    A job with a ``wake`` event also runs as soon as it is set (email queued by a commit).
    """

    name: str
    every: timedelta
    run: Callable[[UnitOfWork, Settings], None]
    wake: threading.Event | None = None


def sign_audit_checkpoint(uow: UnitOfWork, settings: Settings) -> None:
    """Sign the audit chain when enough has happened since the last checkpoint."""
    audit.checkpoint_if_due(uow, Actor.system("job:audit-checkpoint"), key=signing_key(settings))


def find_duplicate_children(uow: UnitOfWork, settings: Settings) -> None:  # noqa: ARG001
    """Queue likely duplicate children for review (a person always decides)."""
    children.find_duplicates(uow, Actor.system("job:find-duplicates"))


def send_emails(uow: UnitOfWork, settings: Settings) -> None:
    """Send the outbox's due emails, after the commits that queued them."""
    notifications.send_outbox(uow, settings)


def escalate_overdue_feedback(uow: UnitOfWork, settings: Settings) -> None:  # noqa: ARG001
    """Tell MASH managers about feedback to a referrer not sent by its due time."""
    feedback.escalate_overdue(uow, Actor.system("job:feedback-escalation"), now=clock.now())


def chase_partner_answers(uow: UnitOfWork, settings: Settings) -> None:  # noqa: ARG001
    """Remind agencies whose answer to the MASH is late."""
    partner_checks.chase_overdue(uow, Actor.system("job:partner-chase"), now=clock.now())


def _calendars(settings: Settings) -> alerts.Calendars:
    return alerts.Calendars(settings.working_calendar(), settings.school_calendar())


def evaluate_alert_rules(uow: UnitOfWork, settings: Settings) -> None:
    """Ask the alert rules about each event as it arrives (a commit that wrote one wakes it)."""
    alerts.evaluate_waiting(uow, rules_from(settings.alert_rules_path), _calendars(settings),
                            now=clock.now())  # fmt: skip


def alert_missed_timescales(uow: UnitOfWork, settings: Settings) -> None:
    """Raise an alert for each decision, feedback, partner answer or advice now overdue."""
    alerts.raise_missed_timescales(uow, rules_from(settings.alert_rules_path),
                                   _calendars(settings), now=clock.now())  # fmt: skip


def escalate_ignored_alerts(uow: UnitOfWork, settings: Settings) -> None:  # noqa: ARG001
    """Tell every owner of an alert nobody acknowledged in time."""
    alerts.escalate_ignored(uow, now=clock.now())


JOBS: tuple[Job, ...] = (
    Job("send emails", timedelta(seconds=10), send_emails, wake=notifications.SENDER_WAKE),
    Job("audit checkpoint", timedelta(minutes=5), sign_audit_checkpoint),
    Job("escalate overdue feedback", timedelta(minutes=5), escalate_overdue_feedback),
    Job("chase partner answers", timedelta(minutes=5), chase_partner_answers),
    Job("evaluate alert rules", timedelta(seconds=30), evaluate_alert_rules, wake=RULES_WAKE),
    Job("alert missed timescales", timedelta(minutes=5), alert_missed_timescales),
    Job("escalate ignored alerts", timedelta(minutes=5), escalate_ignored_alerts),
    Job("find duplicate children", timedelta(days=1), find_duplicate_children),
)
