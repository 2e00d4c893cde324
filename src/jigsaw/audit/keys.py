"""The audit signing key: configured as PEM, or generated once into the data directory.

Keep a copy of the public key (``jigsaw audit public-key``) away from the server: whoever
holds it can check the log without being able to sign for it.
"""

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from jigsaw.config import Settings

KEY_FILE = "audit_signing_key.pem"


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The key that signs checkpoints: ``JIGSAW_AUDIT_SIGNING_KEY``, else the data dir's.

    Raises:
        ValueError: the configured or stored key is not an Ed25519 private key in PEM.
    """
    configured = settings.audit_signing_key
    if configured is not None:
        return load_private_key(configured.get_secret_value())
    return read_or_create_key(settings.data_dir / KEY_FILE)


def read_or_create_key(path: Path) -> Ed25519PrivateKey:
    """Read a PEM key file, first creating it (readable by its owner only) if absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = private_key_pem(Ed25519PrivateKey.generate())
        try:
            # O_EXCL: if two processes race on first use, the loser reads the winner's key.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(pem)
    return load_private_key(path.read_text(encoding="ascii"))


def load_private_key(pem: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from unencrypted PKCS#8 PEM text.

    Raises:
        ValueError: not a PEM private key, or not Ed25519.
    """
    key = load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the audit signing key must be an Ed25519 key")
    return key


def load_public_key(pem: str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM text.

    Raises:
        ValueError: not a PEM public key, or not Ed25519.
    """
    key = load_pem_public_key(pem.encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the audit public key must be an Ed25519 key")
    return key


def private_key_pem(key: Ed25519PrivateKey) -> str:
    """A private key as unencrypted PKCS#8 PEM text."""
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode("ascii")


def public_key_pem(key: Ed25519PublicKey) -> str:
    """A public key as SubjectPublicKeyInfo PEM text."""
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")
