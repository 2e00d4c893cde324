r"""The hash chain: how an audit entry is serialised and hashed. Pure: no database.

Canonical serialisation (format ``jigsaw-audit/1``)
---------------------------------------------------
An entry is serialised as a JSON array (RFC 8259) of exactly these 17 values, in order::

    ["jigsaw-audit/1", seq, prev_hash, occurred_at, actor_kind, actor_id, actor_purpose,
     organisation_id, action, subject_type, subject_id, child_id, basis, basis_id,
     request_id, ip_address, user_agent]

- no whitespace: items are separated by ``,`` alone;
- ``seq`` is a JSON integer in decimal;
- ``prev_hash`` is 64 lowercase hex digits; the first entry's is 64 zeros (``GENESIS_HASH``);
- ``occurred_at`` is ISO-8601 UTC with microseconds: ``"2026-11-21T05:03:33.745533Z"``;
- UUIDs are 32 lowercase hex digits with no hyphens (``uuid.UUID.hex``);
- enum members (``actor_kind``, ``basis``) are their string values;
- a missing value is ``null``;
- strings are JSON strings: ``"`` and ``\`` are escaped, control characters U+0000 to
  U+001F are written as ``\b \t \n \f \r`` or ``\u00xx`` (lowercase hex), and every other
  character is written as itself;
- the text is encoded as UTF-8.

This is what RFC 8785 (JSON canonicalisation) produces for an array of these value types,
so any language can recompute it. ``hash`` is the SHA-256 of those bytes, in lowercase hex.
Because ``seq`` and ``prev_hash`` are inside the hashed bytes, an entry cannot be altered,
moved, removed or inserted without breaking the hash of that entry or of the next one.

The format is a contract with every entry already written: never change it, add
``jigsaw-audit/2`` beside it.
"""

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

FORMAT = "jigsaw-audit/1"
GENESIS_HASH = "0" * 64

# The hashed columns of ``audit_events``, in serialisation order (after FORMAT).
FIELDS = (
    "seq",
    "prev_hash",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "actor_purpose",
    "organisation_id",
    "action",
    "subject_type",
    "subject_id",
    "child_id",
    "basis",
    "basis_id",
    "request_id",
    "ip_address",
    "user_agent",
)
UUID_FIELDS = frozenset({"actor_id", "organisation_id", "subject_id", "child_id", "basis_id"})


def json_encoder() -> Callable[[Any], str]:
    """The JSON text of a value under the rules above.

    ``JSONEncoder.encode`` builds CPython's C encoder afresh on every call; building it
    once saves verification a third of its hashing time. Where the C encoder is missing
    or behaves differently, the standard encoder (same output, slower) is used.
    """
    standard = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return standard.encode
    # The same arguments JSONEncoder.iterencode passes it.
    c_encode = make(None, standard.default, json.encoder.encode_basestring, standard.indent,
                    standard.key_separator, standard.item_separator, standard.sort_keys,
                    standard.skipkeys, standard.allow_nan)  # fmt: skip

    def encode(value: Any) -> str:
        return "".join(c_encode(value, 0))

    sample = [FORMAT, 1, GENESIS_HASH, None, 'a "\\ \u00e9\n\x1f']
    return encode if encode(sample) == standard.encode(sample) else standard.encode


to_json = json_encoder()

# A value as it is serialised: the JSON scalars the format allows.
Canonical = str | int | None


def timestamp_text(value: datetime | str) -> str:
    """An instant as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC.

    Accepts an aware datetime, or the text SQLite stores (``YYYY-MM-DD HH:MM:SS.ffffff``,
    already UTC), so the verifier can hash raw rows without parsing them.
    """
    if isinstance(value, str):
        return f"{value[:10]}T{value[11:]}Z"
    if value.tzinfo is None:
        raise ValueError("naive datetime refused: audit times are UTC")
    utc = value.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def uuid_text(value: uuid.UUID | str | None) -> str | None:
    """A UUID as 32 lowercase hex digits; SQLite's stored text is already that."""
    if value is None or isinstance(value, str):
        return value
    return value.hex


def serialise(values: Sequence[Canonical]) -> bytes:
    """The canonical bytes of an entry, from its 16 canonical ``FIELDS`` values in order."""
    if len(values) != len(FIELDS):
        raise ValueError(f"an audit entry has {len(FIELDS)} fields, not {len(values)}")
    return to_json([FORMAT, *values]).encode("utf-8")


def entry_hash(values: Sequence[Canonical]) -> str:
    """The SHA-256 of an entry's canonical bytes, in lowercase hex."""
    return hashlib.sha256(serialise(values)).hexdigest()
