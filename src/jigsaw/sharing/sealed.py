"""Sealing and opening a concern's free text, each value bound to its row and column."""

import uuid

from jigsaw.core import encryption


def seal(table: str, column: str, row_id: uuid.UUID, text: str | None) -> str | None:
    """Encrypt ``text`` for this row and column; empty text is stored as nothing."""
    if text is None or not text.strip():
        return None
    context = encryption.context_for(table, column, row_id)
    return encryption.encrypt_text(encryption.active(), text, context=context)


def open_(table: str, column: str, row_id: uuid.UUID, token: str | None) -> str:
    """Decrypt a sealed value ("" when nothing was written)."""
    if token is None:
        return ""
    context = encryption.context_for(table, column, row_id)
    return encryption.decrypt_text(encryption.active(), token, context=context)


def seal_bytes(table: str, column: str, row_id: uuid.UUID, data: bytes) -> bytes:
    """Encrypt a file's bytes for this row and column."""
    context = encryption.context_for(table, column, row_id)
    return encryption.encrypt_bytes(encryption.active(), data, context=context)


def open_bytes(table: str, column: str, row_id: uuid.UUID, blob: bytes) -> bytes:
    """Decrypt a sealed file."""
    context = encryption.context_for(table, column, row_id)
    return encryption.decrypt_bytes(encryption.active(), blob, context=context)
