"""What a checkpoint signs, and how its signature is checked. No database."""

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from jigsaw.audit import checkpoints

AT = datetime(2026, 11, 21, 5, 3, 33, 1, tzinfo=UTC)


def test_the_payload_is_the_canonical_json_of_the_head() -> None:
    payload = checkpoints.payload(
        seq=42, head_hash="ab" * 32, signed_at=AT, key_id="0123456789abcdef"
    )
    assert payload == (
        b'["jigsaw-audit-checkpoint/1",42,"' + b"ab" * 32 + b'",'
        b'"2026-11-21T05:03:33.000001Z","0123456789abcdef"]'
    )


def test_a_signature_verifies_only_for_what_was_signed() -> None:
    key = Ed25519PrivateKey.generate()
    key_id, signature = checkpoints.sign(key, seq=42, head_hash="ab" * 32, signed_at=AT)
    assert key_id == checkpoints.key_id(key.public_key())
    assert len(key_id) == 16
    assert len(signature) == 128

    def valid(public_key: Ed25519PublicKey, seq: int = 42, signed: str = signature) -> bool:
        return checkpoints.signature_is_valid(
            public_key, seq=seq, head_hash="ab" * 32, signed_at=AT, key_id=key_id, signature=signed
        )

    assert valid(key.public_key())
    assert not valid(key.public_key(), seq=43)
    assert not valid(Ed25519PrivateKey.generate().public_key())
    assert not valid(key.public_key(), signed="not hex")


def test_key_ids_differ_between_keys() -> None:
    first, second = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    assert checkpoints.key_id(first.public_key()) != checkpoints.key_id(second.public_key())
