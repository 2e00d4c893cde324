"""Signed checkpoints of the chain: what is signed, how, and when one is due. Pure: no I/O.

A checkpoint signs, with Ed25519, the UTF-8 bytes of the JSON array (serialised by the
rules in ``audit.chain``)::

    ["jigsaw-audit-checkpoint/1", seq, hash, signed_at, key_id]

where ``seq`` and ``hash`` are the chain head's, ``signed_at`` is ISO-8601 UTC with
microseconds and ``key_id`` names the signing key (``key_id()``). The signature is stored
as 128 lowercase hex digits.
"""

import hashlib
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from jigsaw.audit.chain import timestamp_text, to_json

FORMAT = "jigsaw-audit-checkpoint/1"
KEY_ID_LENGTH = 16


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint of a public key: the first 16 hex digits of its SHA-256."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:KEY_ID_LENGTH]


def payload(*, seq: int, head_hash: str, signed_at: datetime | str, key_id: str) -> bytes:
    """The bytes a checkpoint signs."""
    return to_json([FORMAT, seq, head_hash, timestamp_text(signed_at), key_id]).encode("utf-8")


def sign(
    key: Ed25519PrivateKey, *, seq: int, head_hash: str, signed_at: datetime
) -> tuple[str, str]:
    """Sign the chain head; returns ``(key_id, signature_hex)``."""
    kid = key_id(key.public_key())
    message = payload(seq=seq, head_hash=head_hash, signed_at=signed_at, key_id=kid)
    return kid, key.sign(message).hex()


def signature_is_valid(
    public_key: Ed25519PublicKey,
    *,
    seq: int,
    head_hash: str,
    signed_at: datetime | str,
    key_id: str,
    signature: str,
) -> bool:
    """Whether ``signature`` is ``public_key``'s signature of this checkpoint."""
    message = payload(seq=seq, head_hash=head_hash, signed_at=signed_at, key_id=key_id)
    try:
        public_key.verify(bytes.fromhex(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def is_due(
    *,
    head_seq: int,
    last_seq: int | None,
    last_signed_at: datetime | None,
    now: datetime,
    every: int,
    max_age: timedelta,
) -> bool:
    """Whether the chain has moved on far enough, or long enough ago, to sign it again.

    Nothing is due while no entry has been written since the last checkpoint.
    """
    if head_seq == (last_seq or 0):
        return False
    if last_seq is None or last_signed_at is None:
        return True
    return head_seq - last_seq >= every or now - last_signed_at >= max_age
