"""What notifications say, and how failing emails are retried (no database)."""

from datetime import UTC, datetime, timedelta

import pytest

from jigsaw.notifications.rules import (
    NotificationKind,
    check_notice,
    compose_email,
    headline,
    retry_delay,
    should_give_up,
)

NOW = datetime(2026, 11, 21, 9, tzinfo=UTC)


def test_an_email_says_the_fixed_wording_the_reference_and_the_link_and_nothing_else() -> None:
    text = compose_email(
        NotificationKind.CONCERN_SHARED_WITH_YOU,
        reference="C-7K3Q9",
        link="/concerns/0b0e",
        organisation_name="Oakfield Primary School",
        base_url="https://jigsaw.example",
    )
    assert text.subject == "A concern has been shared with Oakfield Primary School (C-7K3Q9)"
    assert text.body == (
        "A concern has been shared with Oakfield Primary School.\n\n"
        "Reference: C-7K3Q9\n\n"
        "Sign in to Jigsaw to see it: https://jigsaw.example/concerns/0b0e\n\n"
        "This email holds no details, on purpose: they are kept in Jigsaw.\n"
        "Replies to this address are not read.\n"
    )


def test_every_kind_has_wording_and_falls_back_to_your_organisation() -> None:
    for kind in NotificationKind:
        assert headline(kind, None)
    assert headline(NotificationKind.CONCERN_SHARED_WITH_YOU, None) == (
        "A concern has been shared with your organisation"
    )
    assert headline(NotificationKind.CONCERN_RECEIVED, "Ignored") == (
        "Your concern has been received"
    )


@pytest.mark.parametrize(
    ("reference", "link", "organisation"),
    [
        ("Jane Smith", "/concerns/1", None),  # a name is not a reference
        ("C-2014-03-09", "/concerns/1", None),  # nor is a date
        ("C-7K3Q9", "https://evil.example/", None),  # a link stays inside Jigsaw
        ("C-7K3Q9", "//evil.example/x", None),
        ("C-7K3Q9", "/children/search?name=Jane", None),  # no query string to carry data
        ("C-7K3Q9", "/concerns/1", "Oakfield\nBcc: someone@example.com"),  # one line only
    ],
)
def test_anything_that_could_carry_personal_data_is_refused(
    reference: str, link: str, organisation: str | None
) -> None:
    with pytest.raises(ValueError, match=r"notification|organisation"):
        check_notice(reference, link, organisation)


def test_retries_wait_30_seconds_doubling_to_at_most_an_hour_with_a_little_jitter() -> None:
    assert [retry_delay(n).total_seconds() for n in range(1, 9)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600,
    ]  # fmt: skip
    assert retry_delay(50) == timedelta(hours=1)
    assert retry_delay(1, jitter=1.0) == timedelta(seconds=33)


def test_an_email_is_given_up_on_after_20_tries_or_a_day() -> None:
    assert not should_give_up(19, NOW - timedelta(hours=23), NOW)
    assert should_give_up(20, NOW, NOW)
    assert should_give_up(1, NOW - timedelta(hours=24), NOW)
