"""The canonical serialisation is a contract: these bytes and hashes must never change."""

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from jigsaw.audit import chain

ENTRY = (
    7,
    "0" * 64,
    "2026-11-21T05:03:33.000000Z",
    "user",
    "0123456789abcdef0123456789abcdef",
    None,
    "fedcba9876543210fedcba9876543210",
    "child:viewed",
    "child",
    "00000000000000000000000000000001",
    "00000000000000000000000000000001",
    "break_glass",
    "00000000000000000000000000000002",
    "req-00000001",
    "2001:db8::1",
    'Agent "Zoë"\\\n\x1f',
)
EXPECTED = (
    '["jigsaw-audit/1",7,"0000000000000000000000000000000000000000000000000000000000000000",'
    '"2026-11-21T05:03:33.000000Z","user","0123456789abcdef0123456789abcdef",null,'
    '"fedcba9876543210fedcba9876543210","child:viewed","child",'
    '"00000000000000000000000000000001","00000000000000000000000000000001","break_glass",'
    '"00000000000000000000000000000002","req-00000001","2001:db8::1",'
    '"Agent \\"Zoë\\"\\\\\\n\\u001f"]'
)


def test_an_entry_serialises_to_exactly_these_bytes() -> None:
    assert chain.serialise(ENTRY) == EXPECTED.encode("utf-8")


def test_the_hash_is_sha256_of_those_bytes_in_lowercase_hex() -> None:
    digest = chain.entry_hash(ENTRY)
    assert digest == hashlib.sha256(EXPECTED.encode("utf-8")).hexdigest()
    assert digest == "cd622117e92595d2f9cc9e867473851e6be07f1ef876ed365b70700c78f57fac"


def test_an_entry_has_all_its_fields() -> None:
    with pytest.raises(ValueError, match="16 fields"):
        chain.serialise(ENTRY[:-1])


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2026, 11, 21, 5, 3, 33, tzinfo=UTC), "2026-11-21T05:03:33.000000Z"),
        (
            datetime(2026, 6, 1, 9, 0, 0, 12, tzinfo=timezone(timedelta(hours=1))),
            "2026-06-01T08:00:00.000012Z",
        ),
        ("2026-11-21 05:03:33.745533", "2026-11-21T05:03:33.745533Z"),  # as SQLite stores it
    ],
)
def test_timestamps_are_utc_with_microseconds(value: datetime | str, text: str) -> None:
    assert chain.timestamp_text(value) == text


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        chain.timestamp_text(datetime(2026, 11, 21))  # noqa: DTZ001 - the point of the test


def test_uuids_are_32_lowercase_hex_digits() -> None:
    value = uuid.UUID("0123ABCD-0000-0000-0000-0000000000FF")
    assert chain.uuid_text(value) == "0123abcd0000000000000000000000ff"
    assert chain.uuid_text("0123abcd0000000000000000000000ff") == "0123abcd0000000000000000000000ff"
    assert chain.uuid_text(None) is None


def test_the_fast_encoder_writes_what_the_standard_one_does() -> None:
    standard = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    assert chain.to_json(["x", *ENTRY]) == standard(["x", *ENTRY])


def test_without_the_c_encoder_the_standard_one_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json.encoder, "c_make_encoder", None)
    assert chain.json_encoder()(["x", *ENTRY]).encode("utf-8") == EXPECTED.replace(
        "jigsaw-audit/1", "x"
    ).encode("utf-8")


def test_a_c_encoder_that_disagrees_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    real: Any = getattr(json.encoder, "c_make_encoder")  # noqa: B009 - untyped private name
    calls: list[int] = []

    def make(*args: object) -> object:
        calls.append(1)
        if len(calls) == 1:  # ours: broken; the standard encoder's own: the real one
            return lambda _value, _level: ("[]",)
        return real(*args)

    monkeypatch.setattr(json.encoder, "c_make_encoder", make)
    assert chain.json_encoder()([1]) == "[1]"
