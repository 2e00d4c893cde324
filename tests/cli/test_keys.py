"""`jigsaw keys rotate | status | generate` against a file-based SQLite deployment."""

import os
import stat
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, LargeBinary, MetaData, Table, Text, Uuid, insert, select
from typer.testing import CliRunner

from jigsaw import migrations
from jigsaw.cli import app
from jigsaw.config import get_settings
from jigsaw.core import encryption, keyring
from jigsaw.core.db import make_engine
from jigsaw.core.encryption import EncryptedColumn, Keyring

runner = CliRunner()
metadata = MetaData()
NOTES = Table(
    "keys_cli_notes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("body", Text),
    Column("scan", LargeBinary),
)
BODY = EncryptedColumn("keys_cli_notes", "body", "text")
SCAN = EncryptedColumn("keys_cli_notes", "scan", "bytes")
SECRET = "she said her uncle keeps the door locked"


@dataclass
class Deployment:
    data_dir: Path
    engine: Engine

    @property
    def key_file(self) -> Path:
        return self.data_dir / "encryption_keys.json"

    def add_notes(self, ring: Keyring, count: int) -> list[uuid.UUID]:
        ids = [uuid.uuid4() for _ in range(count)]
        with self.engine.begin() as connection:
            for row_id in ids:
                connection.execute(
                    insert(NOTES).values(
                        id=row_id,
                        body=encryption.encrypt_text(ring, SECRET, context=BODY.context(row_id)),
                        scan=encryption.encrypt_bytes(
                            ring, SECRET.encode(), context=SCAN.context(row_id)
                        ),
                    )
                )
        return ids

    def readable_under(self, ring: Keyring) -> set[str]:
        """The key ids of every value, after checking that ``ring`` decrypts each one."""
        key_ids = set()
        with self.engine.connect() as connection:
            for row_id, body, scan in connection.execute(select(NOTES)):
                assert encryption.decrypt_text(ring, body, context=BODY.context(row_id)) == SECRET
                assert encryption.decrypt_bytes(ring, scan, context=SCAN.context(row_id)) == (
                    SECRET.encode()
                )
                key_ids |= {encryption.key_id_of(body), encryption.key_id_of(scan)}
        return key_ids

    def audited(self) -> list[tuple[str, str]]:
        with self.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT actor_purpose, action FROM audit_events WHERE action LIKE 'keys:%'"
            )
            return [(purpose, action) for purpose, action in rows]

    def database_bytes(self) -> bytes:
        """The database as it lies on disk, write-ahead log included."""
        files = [self.data_dir / "jigsaw.db", self.data_dir / "jigsaw.db-wal"]
        return b"".join(path.read_bytes() for path in files if path.exists())


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    """A migrated SQLite database in a private data dir, with two encrypted columns."""
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    monkeypatch.setenv("JIGSAW_DATA_DIR", str(data_dir))
    monkeypatch.delenv("JIGSAW_DATABASE_URL", raising=False)
    monkeypatch.delenv(keyring.ENV_NAME, raising=False)
    monkeypatch.setattr(encryption, "_registry", {})
    monkeypatch.setattr(encryption._Installed, "keyring", encryption.active())  # put back after
    encryption.register(BODY)
    encryption.register(SCAN)
    get_settings.cache_clear()
    engine = make_engine(get_settings().sqlalchemy_url)
    migrations.upgrade(engine)
    metadata.create_all(engine)
    yield Deployment(data_dir, engine)
    engine.dispose()
    get_settings.cache_clear()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["keys", *args])
    return result.exit_code, result.output


def test_rotate_with_keys_in_the_data_dir(deployment: Deployment) -> None:
    old = keyring.load_or_create_key_file(deployment.key_file)
    deployment.add_notes(old, 3)
    assert SECRET.encode() not in deployment.database_bytes()

    code, output = invoke("rotate", "--batch-size", "2")

    new = keyring.read_key_file(deployment.key_file)
    assert new.ids != old.ids
    assert (code, output) == (
        0,
        f"✓ 6 of 6 values re-encrypted under key {new.primary_id}.\n"
        f"Removed keys no value uses any more: {old.primary_id}.\n",
    )
    assert len(new.ids) == 1  # the old key is gone from the file
    assert stat.S_IMODE(deployment.key_file.stat().st_mode) == 0o600
    assert deployment.readable_under(new) == {new.primary_id}
    assert deployment.audited() == [("cli:keys-rotate", "keys:rotated")]
    assert SECRET.encode() not in deployment.database_bytes()
    assert [p.name for p in deployment.data_dir.iterdir() if p.name.startswith(".")] == []


def test_status_lists_keys_and_what_each_encrypts(deployment: Deployment) -> None:
    first = keyring.load_or_create_key_file(deployment.key_file)
    deployment.add_notes(first, 2)
    second = keyring.add_primary_key(deployment.key_file)
    deployment.add_notes(second, 1)

    code, output = invoke("status")

    assert code == 0, output
    assert f"primary: {second.primary_id}" in output
    body_row = next(line for line in output.splitlines() if BODY.label in line)
    assert [cell.strip() for cell in body_row.split("│")[2:5]] == ["1", "2", "0"]
    assert SECRET not in output


def test_rotate_with_keys_from_configuration(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = Keyring.generate()
    deployment.add_notes(old, 2)
    configured = Keyring({"2026": os.urandom(32), old.primary_id: old.key(old.primary_id)})
    monkeypatch.setenv(keyring.ENV_NAME, keyring.format_configured_keys(configured))
    get_settings.cache_clear()

    code, output = invoke("rotate")

    assert code == 0, output
    assert output == (
        "✓ 4 of 4 values re-encrypted under key 2026.\n"
        "No value uses these keys any more; remove them from JIGSAW_ENCRYPTION_KEYS: "
        f"{old.primary_id}.\n"
    )
    assert deployment.readable_under(configured) == {"2026"}
    assert not deployment.key_file.exists()
    assert deployment.audited() == [("cli:keys-rotate", "keys:rotated")]


def test_rotate_stops_on_a_value_under_a_missing_key(deployment: Deployment) -> None:
    old = keyring.load_or_create_key_file(deployment.key_file)
    deployment.add_notes(old, 2)
    (lost_row,) = deployment.add_notes(Keyring.generate(), 1)

    code, output = invoke("rotate")

    assert code == 1
    assert "✗ Key rotation stopped: keys_cli_notes.body" in output
    assert f"row {lost_row}" in output
    assert "Nothing in this batch was changed" in output
    assert SECRET not in output
    kept = keyring.read_key_file(deployment.key_file)
    assert kept.ids[1:] == old.ids  # the old key stays while values need it
    assert deployment.audited() == [("cli:keys-rotate", "keys:rotation_stopped")]


def test_malformed_configured_keys_are_refused_without_echoing_them(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(keyring.ENV_NAME, "k1:SECRETVALUE")
    get_settings.cache_clear()
    for command in ("rotate", "status"):
        code, output = invoke(command)
        assert code == 1
        assert "JIGSAW_ENCRYPTION_KEYS: entry 1 of 1 (key k1) is not 32 bytes" in output
        assert "SECRETVALUE" not in output
    assert deployment.audited() == []


def test_generate_prints_a_key_ready_for_configuration() -> None:
    code, output = invoke("generate")
    assert code == 0
    generated = keyring.parse_configured_keys(output.strip())
    assert len(generated.ids) == 1
    assert keyring.parse_configured_keys(invoke("generate")[1].strip()) != generated
