"""notify() writes notices and outbox emails with the caller's transaction, or not at all."""

import inspect
import uuid

import pytest
from sqlalchemy import select

from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.config import get_settings
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.notifications import (
    SENDER_WAKE,
    EmailStatus,
    Notification,
    NotificationKind,
    OutboxEmail,
    list_notifications,
    mark_read,
    notify,
    unread_count,
)
from tests.notifications.conftest import People

REFERENCE = "C-7K3Q9"
LINK = "/concerns/5d1c2a"


def share(uow: UnitOfWork, *user_ids: uuid.UUID, reference: str = REFERENCE) -> None:
    notify(
        uow,
        user_ids=user_ids,
        kind=NotificationKind.CONCERN_SHARED_WITH_YOU,
        reference=reference,
        link=LINK,
        organisation_name="Oakfield Primary School",
    )


def rows(uow: UnitOfWork) -> tuple[list[Notification], list[OutboxEmail]]:
    with uow:
        return (
            list(uow.session.scalars(select(Notification))),
            list(uow.session.scalars(select(OutboxEmail))),
        )


def actor_for(user_id: uuid.UUID, organisation_id: uuid.UUID) -> Actor:
    return Actor.user(user_id, organisation_id=organisation_id, agency_kind=AgencyKind.SCHOOL,
                      roles=frozenset({Role.PRACTITIONER}))  # fmt: skip


def test_a_rolled_back_transaction_leaves_no_notice_no_email_and_wakes_no_sender(
    uow: UnitOfWork, people: People
) -> None:
    SENDER_WAKE.clear()
    with uow:
        share(uow, people.dsl.id, people.teacher.id)
        uow.flush()
        # Leaving without commit(): the change that caused the notice did not happen.
    assert rows(uow) == ([], [])
    assert not SENDER_WAKE.is_set()


def test_a_committed_transaction_writes_a_notice_each_and_an_email_to_each_active_user(
    uow: UnitOfWork, people: People
) -> None:
    SENDER_WAKE.clear()
    with uow:
        share(uow, people.dsl.id, people.teacher.id, people.leaver.id, people.dsl.id)
        assert not SENDER_WAKE.is_set()  # nothing leaves before the commit
        uow.commit()
    assert SENDER_WAKE.is_set()
    notices, emails = rows(uow)
    assert sorted(n.user_id for n in notices) == sorted(
        [people.dsl.id, people.teacher.id, people.leaver.id]
    )
    assert {(n.reference, n.link, n.read_at) for n in notices} == {(REFERENCE, LINK, None)}
    # The leaver's account is deactivated: their old mailbox gets nothing.
    assert sorted(e.to_address for e in emails) == ["dsl@school.example", "teacher@school.example"]
    assert {(e.status, e.attempts) for e in emails} == {(EmailStatus.QUEUED, 0)}


def test_the_email_holds_only_the_wording_the_reference_and_the_link(
    uow: UnitOfWork, people: People
) -> None:
    with uow:
        share(uow, people.dsl.id)
        uow.commit()
    [email] = rows(uow)[1]
    link = f"{get_settings().base_url}{LINK}"
    assert email.subject == f"A concern has been shared with Oakfield Primary School ({REFERENCE})"
    lines = [line for line in email.body_text.splitlines() if line]
    assert lines == [
        "A concern has been shared with Oakfield Primary School.",
        f"Reference: {REFERENCE}",
        f"Sign in to Jigsaw to see it: {link}",
        "This email holds no details, on purpose: they are kept in Jigsaw.",
        "Replies to this address are not read.",
    ]
    assert people.dsl.display_name not in email.body_text + email.subject


def test_notify_has_no_parameter_for_free_text() -> None:
    # A "message" or "details" argument is how personal data would get into an email.
    assert list(inspect.signature(notify).parameters) == [
        "uow", "user_ids", "kind", "reference", "link", "organisation_name",
    ]  # fmt: skip


def test_a_reference_that_is_not_one_is_refused_before_anything_is_written(
    uow: UnitOfWork, people: People
) -> None:
    with uow, pytest.raises(ValueError, match="reference"):
        share(uow, people.dsl.id, reference="Jane Smith")
    assert rows(uow) == ([], [])


def test_an_unknown_user_is_refused(uow: UnitOfWork, people: People) -> None:
    with uow, pytest.raises(ValueError, match="user"):
        share(uow, people.dsl.id, uuid.uuid4())


class TestReadingNotifications:
    def test_the_unread_count_and_list_are_the_users_own_newest_first(
        self, uow: UnitOfWork, people: People
    ) -> None:
        for reference in ("C-AAAA1", "C-BBBB2"):
            with uow:
                share(uow, people.dsl.id, reference=reference)
                uow.commit()
        with uow:
            share(uow, people.teacher.id, reference="C-CCCC3")
            uow.commit()
        dsl = actor_for(people.dsl.id, people.organisation_id)
        assert [n.reference for n in list_notifications(uow, dsl)] == ["C-BBBB2", "C-AAAA1"]
        with uow:
            assert unread_count(uow, people.dsl.id) == 2
            assert unread_count(uow, people.teacher.id) == 1

    def test_marking_read_is_for_the_owner_only(self, uow: UnitOfWork, people: People) -> None:
        with uow:
            share(uow, people.dsl.id)
            uow.commit()
        [notice] = rows(uow)[0]
        teacher = actor_for(people.teacher.id, people.organisation_id)
        with pytest.raises(NotFound):
            mark_read(uow, teacher, notification_id=notice.id)
        dsl = actor_for(people.dsl.id, people.organisation_id)
        assert mark_read(uow, dsl, notification_id=notice.id).link == LINK
        with uow:
            assert unread_count(uow, people.dsl.id) == 0
        first_read = rows(uow)[0][0].read_at
        assert first_read is not None
        mark_read(uow, dsl, notification_id=notice.id)  # opening it again changes nothing
        assert rows(uow)[0][0].read_at == first_read

    def test_a_system_actor_has_no_notifications(self, uow: UnitOfWork, people: People) -> None:
        with uow:
            share(uow, people.dsl.id)
            uow.commit()
        system = Actor.system("test")
        assert list_notifications(uow, system) == []
        with pytest.raises(NotFound):
            mark_read(uow, system, notification_id=rows(uow)[0][0].id)
