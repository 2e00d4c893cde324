"""The checkpoint key: configured, or generated once into the data directory."""

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from pydantic import SecretStr

from jigsaw.audit import checkpoints, keys
from jigsaw.config import Settings


def key_id(key: Ed25519PrivateKey) -> str:
    return checkpoints.key_id(key.public_key())


def test_a_configured_key_is_used(tmp_path: Path) -> None:
    configured = Ed25519PrivateKey.generate()
    settings = Settings(
        data_dir=tmp_path, audit_signing_key=SecretStr(keys.private_key_pem(configured))
    )
    assert key_id(keys.signing_key(settings)) == key_id(configured)
    assert not (tmp_path / keys.KEY_FILE).exists()


def test_otherwise_one_is_generated_into_the_data_dir_for_its_owner_only(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    first = keys.signing_key(settings)
    path = tmp_path / "var" / keys.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_id(keys.signing_key(settings)) == key_id(first)


def test_a_process_that_loses_the_race_to_create_the_key_uses_the_winners(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / keys.KEY_FILE
    winner = Ed25519PrivateKey.generate()
    real_exists = Path.exists

    def exists_until_written(self: Path) -> bool:
        # The other process writes its key between our check and our create.
        if self == path and not real_exists(self):
            self.write_text(keys.private_key_pem(winner), encoding="ascii")
            return False
        return real_exists(self)

    monkeypatch.setattr(Path, "exists", exists_until_written)
    assert key_id(keys.read_or_create_key(path)) == key_id(winner)


def test_public_keys_round_trip_through_pem() -> None:
    key = Ed25519PrivateKey.generate()
    pem = keys.public_key_pem(key.public_key())
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert checkpoints.key_id(keys.load_public_key(pem)) == key_id(key)


def test_keys_of_another_kind_are_refused() -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    private_pem = other.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    public_pem = other.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(ValueError, match="Ed25519"):
        keys.load_private_key(private_pem)
    with pytest.raises(ValueError, match="Ed25519"):
        keys.load_public_key(public_pem.decode())
