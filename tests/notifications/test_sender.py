"""Sending the outbox to a real SMTP server (aiosmtpd), through outages, refusals and crashes."""

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from jigsaw.config import Settings
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.notifications import (
    EmailStatus,
    NotificationKind,
    OutboxEmail,
    SendReport,
    notify,
    queries,
    send_due,
)
from jigsaw.notifications import sender as sender_module
from tests.notifications.conftest import People
from tests.smtp import SmtpServer

LINK = "/concerns/5d1c2a"


@dataclass(frozen=True)
class Sending:
    """The outbox, a real SMTP server and the settings pointing at it."""

    session_factory: sessionmaker[Session]
    settings: Settings
    server: SmtpServer
    uow: UnitOfWork
    people: People

    def raise_concern(self, *user_ids: uuid.UUID) -> None:
        """What raising a concern does for notifications: notify in its transaction, commit."""
        with self.uow:
            notify(
                self.uow,
                user_ids=user_ids,
                kind=NotificationKind.CONCERN_SHARED_WITH_YOU,
                reference="C-7K3Q9",
                link=LINK,
                organisation_name="Oakfield Primary School",
            )
            self.uow.commit()

    def send(self, now: datetime | None = None) -> SendReport:
        return send_due(self.session_factory, self.settings, now=now)

    def outbox(self) -> list[OutboxEmail]:
        with self.uow:
            query = select(OutboxEmail).order_by(OutboxEmail.to_address)
            return list(self.uow.session.scalars(query))


@pytest.fixture
def sending(
    session_factory: sessionmaker[Session], smtp_settings: Settings, smtp_server: SmtpServer,
    uow: UnitOfWork, people: People,
) -> Sending:  # fmt: skip
    return Sending(session_factory, smtp_settings, smtp_server, uow, people)


def later(seconds: float) -> datetime:
    return clock.now() + timedelta(seconds=seconds)


def test_a_queued_email_arrives_with_its_subject_link_and_message_id(sending: Sending) -> None:
    sending.raise_concern(sending.people.dsl.id)
    assert sending.send() == SendReport(sent=1)
    [message] = sending.server.messages
    [email] = sending.outbox()
    assert message["To"] == "dsl@school.example"
    assert message["From"] == sending.settings.smtp_from
    assert message["Subject"] == "A concern has been shared with Oakfield Primary School (C-7K3Q9)"
    assert message["Message-ID"] == f"<outbox-{email.id}@127.0.0.1>"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_content()
    assert f"{sending.settings.base_url}{LINK}" in body
    assert "Reference: C-7K3Q9" in body
    assert sending.server.mailbox.envelopes[0].rcpt_tos == ["dsl@school.example"]
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 1, None)
    assert email.sent_at is not None
    assert sending.send(later(3600)) == SendReport()
    assert len(sending.server.messages) == 1


def test_an_outage_postpones_the_email_with_backoff_and_it_arrives_once_afterwards(
    sending: Sending,
) -> None:
    sending.server.stop()
    sending.raise_concern(sending.people.dsl.id)
    now = later(1)
    assert sending.send(now) == SendReport(failed=1)
    [email] = sending.outbox()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
    assert email.last_error == "ConnectionRefusedError"  # the kind of error, never its words
    assert now + timedelta(seconds=30) <= email.next_attempt_at <= now + timedelta(seconds=33)

    sending.server.start()
    # Not yet due again: the server is back but the email waits its turn.
    assert sending.send(now + timedelta(seconds=10)) == SendReport()
    assert sending.server.messages == []
    assert sending.send(now + timedelta(minutes=1)) == SendReport(sent=1)
    assert sending.send(now + timedelta(hours=2)) == SendReport()
    assert [m["To"] for m in sending.server.messages] == ["dsl@school.example"]
    [email] = sending.outbox()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)


def test_a_refused_address_fails_alone_and_the_others_are_sent(sending: Sending) -> None:
    people = sending.people
    sending.raise_concern(people.refused.id, people.dsl.id, people.teacher.id)
    assert sending.send() == SendReport(sent=2, failed=1)
    assert sorted(m["To"] for m in sending.server.messages) == [
        "dsl@school.example", "teacher@school.example",
    ]  # fmt: skip
    refused = next(e for e in sending.outbox() if e.status is EmailStatus.QUEUED)
    assert (refused.attempts, refused.last_error) == (1, "SMTPRecipientsRefused")


def test_an_email_failing_for_a_day_is_abandoned_and_logged_without_its_address(
    sending: Sending, app: object, capsys: pytest.CaptureFixture[str]
) -> None:
    del app  # configures logging, as the server does
    sending.server.stop()
    sending.raise_concern(sending.people.dsl.id)
    capsys.readouterr()
    now, reports = later(1), []
    for _ in range(30):  # a server down for good: 30 s, 1 min, 2 min ... an hour apart
        [email] = sending.outbox()
        now = max(now, email.next_attempt_at)
        reports.append(sending.send(now))
    assert reports[:19] == [SendReport(failed=1)] * 19
    assert reports[19:] == [SendReport(abandoned=1)] + [SendReport()] * 10
    [email] = sending.outbox()
    assert (email.status, email.attempts) == (EmailStatus.ABANDONED, 20)
    logged = capsys.readouterr().err
    assert "email.abandoned" in logged
    assert str(email.id) in logged
    assert "school.example" not in logged


def test_without_an_smtp_server_emails_stay_queued_and_one_warning_says_so(
    sending: Sending, settings: Settings, app: object, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    del app
    monkeypatch.setattr(sender_module, "_WARNED_UNCONFIGURED", threading.Event())
    assert settings.smtp_host is None
    sending.raise_concern(sending.people.dsl.id)
    capsys.readouterr()
    assert send_due(sending.session_factory, settings) == SendReport()
    assert send_due(sending.session_factory, settings) == SendReport()
    assert capsys.readouterr().err.count("email.not_configured") == 1
    [email] = sending.outbox()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 0)


def test_an_email_is_marked_sent_before_the_next_is_tried(
    sending: Sending, monkeypatch: pytest.MonkeyPatch
) -> None:
    sending.raise_concern(sending.people.dsl.id, sending.people.teacher.id)
    real_message = sender_module._message
    tried = []

    def crash_on_the_second(email: OutboxEmail, settings: Settings, now: datetime) -> object:
        tried.append(email.to_address)
        if len(tried) == 2:
            raise KeyboardInterrupt  # the worker killed between two emails
        return real_message(email, settings, now)

    monkeypatch.setattr(sender_module, "_message", crash_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        sending.send()
    monkeypatch.setattr(sender_module, "_message", real_message)
    statuses = {e.to_address: e.status for e in sending.outbox()}
    assert statuses[tried[0]] is EmailStatus.SENT
    assert statuses[tried[1]] is EmailStatus.QUEUED
    assert sending.send() == SendReport(sent=1)
    assert sorted(m["To"] for m in sending.server.messages) == sorted(tried)


@pytest.mark.postgres
def test_two_senders_never_claim_the_same_email(engine: Engine) -> None:
    # Committed rows on real connections: the rolled-back test transaction cannot show locks.
    factory = sessionmaker(engine, expire_on_commit=False)
    now = clock.now()
    emails = [
        OutboxEmail(
            to_address=f"{n}@school.example",
            subject="s",
            body_text="b",
            kind=NotificationKind.CONCERN_RECEIVED,
            created_at=now - timedelta(minutes=n),
            status=EmailStatus.QUEUED,
            attempts=0,
            next_attempt_at=now - timedelta(minutes=n),
        )
        for n in (2, 1)
    ]
    with factory.begin() as session:
        session.add_all(emails)
    first, second = UnitOfWork(factory), UnitOfWork(factory)
    try:
        with first, second:
            claimed_first = queries.claim_due_emails(first, now, 1)
            claimed_second = queries.claim_due_emails(second, now, 10)
        assert [e.id for e in claimed_first] == [emails[0].id]
        assert [e.id for e in claimed_second] == [emails[1].id]
    finally:
        with factory.begin() as session:
            session.execute(delete(OutboxEmail).where(OutboxEmail.id.in_([e.id for e in emails])))
