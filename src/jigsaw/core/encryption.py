"""Encryption at rest for narratives and attachments: AES-256-GCM under a rotating keyring.

A database dump alone then reveals no narrative. Each value is bound to where it lives
(its table, column and row id, the "context", authenticated but not stored), so a
ciphertext copied into another row or column fails to decrypt. Text columns hold
``jg1:<key id>:<base64url(nonce || ciphertext)>``; blobs a short binary header then the same.
Small secrets (TOTP seeds) use ``core.sealing`` instead.
"""

import base64
import binascii
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jigsaw.core.keyring import Keyring, KeyringError, keyring_from_settings

__all__ = [
    "DecryptError",
    "EncryptedColumn",
    "Keyring",
    "KeyringError",
    "active",
    "context_for",
    "decrypt_bytes",
    "decrypt_text",
    "encrypt_bytes",
    "encrypt_text",
    "install",
    "key_id_of",
    "keyring_from_settings",
    "register",
    "registered",
]

TEXT_PREFIX = "jg1"
BLOB_MAGIC = b"JGB1"
NONCE_BYTES = 12
_AAD_PREFIX = b"jigsaw-at-rest-v1\x00"
_HEX_UUID = re.compile(r"[0-9a-fA-F]{32}")


class DecryptError(ValueError):
    """A value cannot be decrypted: unknown key, altered, or read in another context.

    The message never carries the value, the plaintext or the context.
    """


def encrypt_text(keyring: Keyring, plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext`` under the primary key, bound to ``context``, for a Text column."""
    key_id = keyring.primary_id
    sealed = _seal(keyring.key(key_id), plaintext.encode("utf-8"), context)
    return f"{TEXT_PREFIX}:{key_id}:{base64.urlsafe_b64encode(sealed).decode('ascii')}"


def decrypt_text(keyring: Keyring, token: str, *, context: str) -> str:
    """Decrypt a value written by ``encrypt_text`` with the same context.

    Raises:
        DecryptError: the key is not in the keyring, the token was altered, or the
            context differs.
    """
    key_id = key_id_of(token)
    _, _, encoded = token.split(":", 2)
    try:
        sealed = base64.urlsafe_b64decode(encoded.encode("ascii"))
    except (binascii.Error, ValueError) as error:
        raise DecryptError("the encrypted value is malformed") from error
    plaintext = _open(keyring, key_id, sealed, context)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError as error:  # pragma: no cover - GCM authenticated what we wrote
        raise DecryptError("the encrypted value is not text") from error


def encrypt_bytes(keyring: Keyring, plaintext: bytes, *, context: str) -> bytes:
    """Encrypt ``plaintext`` under the primary key, bound to ``context``, for a blob column."""
    key_id = keyring.primary_id
    header = BLOB_MAGIC + bytes([len(key_id)]) + key_id.encode("ascii")
    return header + _seal(keyring.key(key_id), plaintext, context)


def decrypt_bytes(keyring: Keyring, blob: bytes, *, context: str) -> bytes:
    """Decrypt a value written by ``encrypt_bytes`` with the same context.

    Raises:
        DecryptError: the key is not in the keyring, the blob was altered, or the
            context differs.
    """
    key_id = key_id_of(blob)
    sealed = blob[len(BLOB_MAGIC) + 1 + len(key_id) :]
    return _open(keyring, key_id, sealed, context)


def key_id_of(value: str | bytes) -> str:
    """The id of the key a stored value was encrypted with.

    Raises:
        DecryptError: the value is not one of ours (plaintext, or damaged).
    """
    if isinstance(value, str):
        prefix, colon, rest = value.partition(":")
        key_id, colon_again, _ = rest.partition(":")
        if prefix == TEXT_PREFIX and colon and colon_again and key_id:
            return key_id
        raise DecryptError("the value is not encrypted text")
    if value.startswith(BLOB_MAGIC) and len(value) > len(BLOB_MAGIC):
        length = value[len(BLOB_MAGIC)]
        raw = value[len(BLOB_MAGIC) + 1 : len(BLOB_MAGIC) + 1 + length]
        if length and len(raw) == length and raw.isascii():
            return raw.decode("ascii")
    raise DecryptError("the value is not an encrypted blob")


def _seal(key: bytes, plaintext: bytes, context: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, _aad(context))


def _open(keyring: Keyring, key_id: str, sealed: bytes, context: str) -> bytes:
    if key_id not in keyring:
        raise DecryptError(f"the value is encrypted under key {key_id}, not in the keyring")
    nonce, ciphertext = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    if len(nonce) != NONCE_BYTES:
        raise DecryptError("the encrypted value is malformed")
    try:
        return AESGCM(keyring.key(key_id)).decrypt(nonce, ciphertext, _aad(context))
    except InvalidTag as error:
        raise DecryptError(
            "the encrypted value was altered, or belongs to another row or column"
        ) from error


def _aad(context: str) -> bytes:
    return _AAD_PREFIX + context.encode("utf-8")


# The process-wide keyring: installed once by each entry point (app, CLI, tests).


class _Installed:
    keyring: Keyring | None = None


def install(keyring: Keyring) -> None:
    """Make ``keyring`` the one services encrypt and decrypt with in this process."""
    _Installed.keyring = keyring


def active() -> Keyring:
    """The installed keyring.

    Raises:
        RuntimeError: no entry point installed one (a programming error, not a user's).
    """
    if _Installed.keyring is None:
        raise RuntimeError(
            "no encryption keyring installed: call jigsaw.core.encryption.install("
            "keyring_from_settings(settings)) at start-up"
        )
    return _Installed.keyring


# Which columns hold encrypted values, so that rotation can find every one of them.


@dataclass(frozen=True, slots=True)
class EncryptedColumn:
    """A column whose values are encrypted, each bound to ``context_for(table, column, id)``."""

    table: str
    column: str
    kind: Literal["text", "bytes"]
    id_column: str = "id"

    @property
    def label(self) -> str:
        """``table.column``, as shown to operators."""
        return f"{self.table}.{self.column}"

    def context(self, row_id: object) -> str:
        """The context a value in row ``row_id`` of this column is bound to."""
        return context_for(self.table, self.column, row_id)


def context_for(table: str, column: str, row_id: object) -> str:
    """``"<table>.<column>:<row id>"``, the associated data every value is bound to.

    A UUID reads the same whether it came from the ORM, PostgreSQL or SQLite's 32 hex
    digits, so rotation (which reads raw rows) and services agree.
    """
    text = str(row_id)
    if isinstance(row_id, uuid.UUID) or _HEX_UUID.fullmatch(text):
        text = str(uuid.UUID(text))
    return f"{table}.{column}:{text}"


_registry: dict[str, EncryptedColumn] = {}


def register(column: EncryptedColumn) -> EncryptedColumn:
    """Declare an encrypted column (from its models module) so that rotation covers it.

    Raises:
        ValueError: the column is already registered differently.
    """
    existing = _registry.setdefault(column.label, column)
    if existing != column:
        raise ValueError(f"{column.label} is already registered as {existing}")
    return column


def registered() -> tuple[EncryptedColumn, ...]:
    """Every registered encrypted column, in the order registered."""
    return tuple(_registry.values())


def seal(table: str, column: str, row_id: uuid.UUID, text: str | None) -> str | None:
    """Encrypt a registered column's text for one row with the active keyring ("" → None)."""
    if text is None or not text.strip():
        return None
    return encrypt_text(active(), text, context=context_for(table, column, row_id))


def unseal(table: str, column: str, row_id: uuid.UUID, token: str | None) -> str:
    """Decrypt what ``seal`` stored for that row and column ("" when nothing was)."""
    if token is None:
        return ""
    return decrypt_text(active(), token, context=context_for(table, column, row_id))


def seal_file(table: str, column: str, row_id: uuid.UUID, data: bytes) -> bytes:
    """Encrypt a file's bytes for one row with the active keyring."""
    return encrypt_bytes(active(), data, context=context_for(table, column, row_id))


def unseal_file(table: str, column: str, row_id: uuid.UUID, blob: bytes) -> bytes:
    """Decrypt what ``seal_file`` stored."""
    return decrypt_bytes(active(), blob, context=context_for(table, column, row_id))
