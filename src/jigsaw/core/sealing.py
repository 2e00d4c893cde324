"""Sealing small secrets (TOTP seeds, client secrets) at rest with the deployment's key.

A database dump alone then reveals no second factor. Fernet gives authenticated
encryption; the key is derived from the secret key so there is nothing more to manage.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class UnsealError(ValueError):
    """The sealed value was altered, or sealed with another key."""


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"jigsaw-seal-v1:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(plaintext: str, *, secret_key: str) -> str:
    """Encrypt and authenticate ``plaintext``."""
    return _fernet(secret_key).encrypt(plaintext.encode()).decode("ascii")


def unseal(sealed: str, *, secret_key: str) -> str:
    """Decrypt a value sealed with the same key.

    Raises:
        UnsealError: the value was altered or sealed with another key.
    """
    try:
        return _fernet(secret_key).decrypt(sealed.encode("ascii")).decode()
    except InvalidToken as error:
        raise UnsealError("sealed value cannot be opened with this key") from error
