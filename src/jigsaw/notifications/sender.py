"""Sending the outbox over SMTP, after the commits that queued the emails.

Delivery is at least once. Each email is claimed, handed to the SMTP server and marked
sent in one transaction, before the next is tried, so a failure costs at most that one
email's retry. A crash after the server accepted an email but before the commit leaves it
queued, and it is sent again: its ``Message-ID`` is derived from the outbox id, the same
each time, so a receiving server or mail client can drop the duplicate.

A failing email is retried with backoff (30 s, doubling, at most an hour apart, with a
little jitter) and abandoned after 20 tries or a day; a transaction is never held open
while connecting, so an unreachable server cannot keep the database locked.
"""

import random
import smtplib
import ssl
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from enum import Enum
from urllib.parse import urlsplit

import structlog
from sqlalchemy.orm import Session, sessionmaker

from jigsaw.config import Settings
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.notifications import queries
from jigsaw.notifications.models import EmailStatus, OutboxEmail
from jigsaw.notifications.rules import retry_delay, should_give_up

log = structlog.get_logger("jigsaw.notifications")

BATCH_LIMIT = 50
SMTP_TIMEOUT_SECONDS = 10
# Set after a commit that queued email; the worker waits on it as well as on its tick.
SENDER_WAKE = threading.Event()
# Warn once per process that email is switched off, not every ten seconds.
_WARNED_UNCONFIGURED = threading.Event()


def wake_sender() -> None:
    """Ask a running worker to send the outbox now rather than at its next tick."""
    SENDER_WAKE.set()


@dataclass(frozen=True, slots=True)
class SendReport:
    """What one run of the sender did: emails sent, failed (to be retried) and abandoned."""

    sent: int = 0
    failed: int = 0
    abandoned: int = 0


class _Outcome(Enum):
    SENT = "sent"
    FAILED = "failed"
    ABANDONED = "abandoned"


def send_due(
    session_factory: sessionmaker[Session],
    settings: Settings,
    *,
    now: datetime | None = None,
    limit: int = BATCH_LIMIT,
) -> SendReport:
    """Send the queued emails that are due, up to ``limit``; see the module for guarantees."""
    return send_outbox(UnitOfWork(session_factory), settings, now=now, limit=limit)


def send_outbox(
    uow: UnitOfWork, settings: Settings, *, now: datetime | None = None, limit: int = BATCH_LIMIT
) -> SendReport:
    """``send_due`` on a unit of work (one transaction per email); the worker's job calls this.

    With no SMTP server configured (``JIGSAW_SMTP_HOST`` unset) emails stay queued.
    """
    now = now or clock.now()
    if settings.smtp_host is None:
        if not _WARNED_UNCONFIGURED.is_set():
            _WARNED_UNCONFIGURED.set()
            log.warning("email.not_configured", hint="set JIGSAW_SMTP_HOST to send email")
        return SendReport()
    with uow:
        if not queries.any_email_due(uow, now):
            return SendReport()
    try:
        smtp = _connect(settings)
    except OSError as error:  # smtplib's errors are OSErrors too
        return _postpone_due(uow, now, limit, error)
    try:
        return _send_each(uow, smtp, settings, now, limit)
    finally:
        _disconnect(smtp)


def _send_each(
    uow: UnitOfWork, smtp: smtplib.SMTP, settings: Settings, now: datetime, limit: int
) -> SendReport:
    outcomes: Counter[_Outcome] = Counter()
    for _ in range(limit):
        connection_lost = False
        with uow:
            claimed = queries.claim_due_emails(uow, now, 1)
            if not claimed:
                break
            email = claimed[0]
            try:
                smtp.send_message(_message(email, settings, now))
            except OSError as error:
                outcome = _record_failure(email, now, error)
                # A refusal of this email leaves the connection usable; anything else does not.
                connection_lost = not isinstance(
                    error, smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException
                )
            except ValueError as error:  # an address or header no retry will make valid
                outcome = _abandon(email, error)
            else:
                email.status = EmailStatus.SENT
                email.attempts += 1
                email.sent_at = now
                outcome = _Outcome.SENT
            uow.commit()
        outcomes[outcome] += 1
        if connection_lost:
            break
    return _report(outcomes)


def _postpone_due(uow: UnitOfWork, now: datetime, limit: int, error: OSError) -> SendReport:
    """The server could not be reached: each due email counts a failed try."""
    outcomes: Counter[_Outcome] = Counter()
    with uow:
        for email in queries.claim_due_emails(uow, now, limit):
            outcomes[_record_failure(email, now, error)] += 1
        uow.commit()
    log.warning("email.server_unreachable", error=type(error).__name__, emails=outcomes.total())
    return _report(outcomes)


def _record_failure(email: OutboxEmail, now: datetime, error: OSError) -> _Outcome:
    email.attempts += 1
    if should_give_up(email.attempts, email.created_at, now):
        return _abandon(email, error)
    # The class only: an SMTP error's message can quote the address.
    email.last_error = type(error).__name__
    jitter = random.random()  # noqa: S311 - spreads retries out; not a secret
    email.next_attempt_at = now + retry_delay(email.attempts, jitter)
    return _Outcome.FAILED


def _abandon(email: OutboxEmail, error: Exception) -> _Outcome:
    email.status = EmailStatus.ABANDONED
    email.last_error = type(error).__name__
    # Ids and kinds only: never the address or the SMTP server's words.
    log.error("email.abandoned", email_id=str(email.id), kind=str(email.kind),
              attempts=email.attempts, error=email.last_error)  # fmt: skip
    return _Outcome.ABANDONED


def _report(outcomes: Counter[_Outcome]) -> SendReport:
    return SendReport(
        sent=outcomes[_Outcome.SENT],
        failed=outcomes[_Outcome.FAILED],
        abandoned=outcomes[_Outcome.ABANDONED],
    )


def message_id(email_id: uuid.UUID, settings: Settings) -> str:
    """The email's Message-ID: the same on every try, so a duplicate can be recognised."""
    host = urlsplit(settings.base_url).hostname or "jigsaw.invalid"
    return f"<outbox-{email_id}@{host}>"


def _message(email: OutboxEmail, settings: Settings, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(email.id, settings)
    # RFC 3834: sent by a program, so out-of-office replies are not sent back.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.body_text)
    return message


def _connect(settings: Settings) -> smtplib.SMTP:
    assert settings.smtp_host is not None  # noqa: S101 - checked by the caller
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_username, password)
    except OSError:
        smtp.close()
        raise
    return smtp


def _disconnect(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except OSError:  # the server went away first: nothing left to say goodbye to
        smtp.close()
