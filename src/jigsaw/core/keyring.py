"""The keys that encrypt narratives at rest: from configuration, else a file in the data dir.

Keys are kept in order, newest (the primary, which encrypts) first; older keys stay only
to decrypt until `jigsaw keys rotate` has moved every value off them. Nothing here ever
puts key material in an error message.
"""

import base64
import binascii
import json
import os
import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from jigsaw.config import Settings

KEY_BYTES = 32  # AES-256
KEY_FILE_NAME = "encryption_keys.json"
KEY_FILE_VERSION = 1
ENV_NAME = "JIGSAW_ENCRYPTION_KEYS"
# Ids appear inside ciphertext tokens ("jg1:<id>:…"), so never ":" or ",".
_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,40}")


class KeyringError(ValueError):
    """The configured keys or the key file cannot be used (the message names no key)."""


class Keyring:
    """Ordered AES-256 keys by id; the first is the primary, which encrypts new values."""

    __slots__ = ("_keys",)

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        if not keys:
            raise KeyringError("a keyring needs at least one key")
        for key_id, key in keys.items():
            if not _KEY_ID.fullmatch(key_id):
                raise KeyringError("key ids are 1-40 letters, digits, '.', '_' or '-'")
            if len(key) != KEY_BYTES:
                raise KeyringError(f"key {key_id} is not {KEY_BYTES} bytes (AES-256)")
        self._keys = dict(keys)

    def __repr__(self) -> str:
        # Never the key material: keyrings end up in tracebacks.
        return f"Keyring(primary={self.primary_id!r}, ids={list(self._keys)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Keyring) and list(self._keys.items()) == list(other._keys.items())

    def __hash__(self) -> int:
        return hash(tuple(self._keys))

    @property
    def primary_id(self) -> str:
        """The id of the key new values are encrypted with."""
        return next(iter(self._keys))

    @property
    def ids(self) -> tuple[str, ...]:
        """Every key id, primary first."""
        return tuple(self._keys)

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._keys

    def key(self, key_id: str) -> bytes:
        """The key with this id; KeyError when the keyring does not hold it."""
        return self._keys[key_id]

    def with_new_primary(self) -> "Keyring":
        """This keyring with a freshly generated key in front."""
        return Keyring({new_key_id(): secrets.token_bytes(KEY_BYTES), **self._keys})

    def without(self, key_ids: Iterable[str]) -> "Keyring":
        """This keyring less ``key_ids``; the primary is never removed."""
        dropped = set(key_ids) - {self.primary_id}
        return Keyring({k: v for k, v in self._keys.items() if k not in dropped})

    @classmethod
    def generate(cls) -> "Keyring":
        """A keyring of one new random key."""
        return cls({new_key_id(): secrets.token_bytes(KEY_BYTES)})


def new_key_id() -> str:
    """A short random key id (8 hex digits)."""
    return secrets.token_hex(4)


def keyring_from_settings(settings: Settings) -> Keyring:
    """The deployment's keyring: ``JIGSAW_ENCRYPTION_KEYS`` if set, else the data-dir file.

    Raises:
        KeyringError: the configured keys or the key file are malformed.
    """
    if settings.encryption_keys is not None:
        return parse_configured_keys(settings.encryption_keys)
    return load_or_create_key_file(key_file_path(settings))


def key_file_path(settings: Settings) -> Path:
    """Where the data-dir keyring lives."""
    return settings.data_dir / KEY_FILE_NAME


def parse_configured_keys(configured: SecretStr | str) -> Keyring:
    """Parse ``"id:base64key,id:base64key"`` (first = primary).

    Raises:
        KeyringError: an entry is malformed; the message says which entry, never its value.
    """
    value = configured.get_secret_value() if isinstance(configured, SecretStr) else configured
    keys: dict[str, bytes] = {}
    entries = [entry.strip() for entry in value.split(",")]
    for number, entry in enumerate(entries, start=1):
        where = f"{ENV_NAME}: entry {number} of {len(entries)}"
        key_id, colon, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not colon or not _KEY_ID.fullmatch(key_id):
            raise KeyringError(
                f"{where} is not 'id:base64key' (ids are 1-40 letters, digits, '.', '_' or '-')"
            )
        if key_id in keys:
            raise KeyringError(f"{where} repeats the key id {key_id}")
        keys[key_id] = _decode_key(encoded.strip(), where=f"{where} (key {key_id})")
    return Keyring(keys)


def format_configured_keys(keyring: Keyring) -> str:
    """The ``JIGSAW_ENCRYPTION_KEYS`` value holding ``keyring`` (for operators only)."""
    return ",".join(f"{key_id}:{_encode_key(keyring.key(key_id))}" for key_id in keyring.ids)


def load_or_create_key_file(path: Path) -> Keyring:
    """Read the key file, creating it (owner-only) with one new key if absent.

    Two processes racing on first run end with the same single key: the file appears
    complete or not at all (``os.link`` of a finished temporary file fails if it exists).

    Raises:
        KeyringError: the file exists but is malformed.
    """
    if path.exists():
        return read_key_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    keyring = Keyring.generate()
    temporary = _write_temporary(path, keyring)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return read_key_file(path)  # another process won the race: use its key
    finally:
        temporary.unlink()
    return keyring


def read_key_file(path: Path) -> Keyring:
    """Read the key file.

    Raises:
        KeyringError: the file is missing a part or is not the key file's JSON.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        entries = document["keys"]
        keys = {str(entry["id"]): entry["key"] for entry in entries}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise KeyringError(f"the encryption key file {path} cannot be read") from error
    if document.get("version") != KEY_FILE_VERSION or len(keys) != len(entries):
        raise KeyringError(f"the encryption key file {path} is not a version 1 key file")
    return Keyring(
        {
            key_id: _decode_key(str(key), where=f"{path} (key {key_id})")
            for key_id, key in keys.items()
        }
    )


def write_key_file(path: Path, keyring: Keyring) -> None:
    """Replace the key file with ``keyring`` atomically (readers see old or new, never half)."""
    os.replace(_write_temporary(path, keyring), path)


def add_primary_key(path: Path) -> Keyring:
    """Put a new primary key at the front of the key file; older keys stay to decrypt."""
    keyring = load_or_create_key_file(path).with_new_primary()
    write_key_file(path, keyring)
    return keyring


def drop_keys(path: Path, key_ids: Iterable[str]) -> Keyring:
    """Remove ``key_ids`` (never the primary) from the key file as it is now."""
    keyring = read_key_file(path).without(key_ids)
    write_key_file(path, keyring)
    return keyring


def _write_temporary(path: Path, keyring: Keyring) -> Path:
    """Write ``keyring`` to a new owner-only file beside ``path`` and sync it to disk."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    document: dict[str, Any] = {
        "version": KEY_FILE_VERSION,
        "keys": [{"id": key_id, "key": _encode_key(keyring.key(key_id))} for key_id in keyring.ids],
    }
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    return temporary


def _encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _decode_key(encoded: str, *, where: str) -> bytes:
    # Standard or URL-safe base64, padded or not.
    normalised = encoded.replace("-", "+").replace("_", "/")
    normalised += "=" * (-len(normalised) % 4)
    try:
        key = base64.b64decode(normalised, validate=True)
    except (binascii.Error, ValueError) as error:
        raise KeyringError(f"{where} is not base64") from error
    if len(key) != KEY_BYTES:
        raise KeyringError(f"{where} is not {KEY_BYTES} bytes (AES-256) once decoded")
    return key
