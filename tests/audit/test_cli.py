"""`jigsaw audit verify | checkpoint | public-key` against a database of their own."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from jigsaw.audit import checkpoints, keys
from jigsaw.audit.cli import app
from jigsaw.config import get_settings
from jigsaw.core.db import is_sqlite, make_session_factory
from jigsaw.core.uow import UnitOfWork
from tests.audit.conftest import write_entries

runner = CliRunner()


@pytest.fixture
def data_dir(
    tmp_path: Path, scratch_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Settings pointing at the scratch database and a private data dir."""
    monkeypatch.setenv("JIGSAW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("JIGSAW_DATABASE_URL", scratch_engine.url.render_as_string(False))
    monkeypatch.delenv("JIGSAW_AUDIT_SIGNING_KEY", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.mark.usefixtures("data_dir")
def test_verify_an_untouched_log_then_one_with_an_entry_altered(scratch_engine: Engine) -> None:
    write_entries(UnitOfWork(make_session_factory(scratch_engine)), 3)
    assert invoke("checkpoint") == (
        0,
        "✓ Checkpoint at entry 4 signed with key " + key_id() + ".\n",
    )
    code, output = invoke("verify")
    assert (code, output) == (0, "✓ 4 entries verified, 1 checkpoints.\n")

    with scratch_engine.begin() as connection:
        if not is_sqlite(str(scratch_engine.url)):
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        connection.execute(text("UPDATE audit_events SET action = 'child:edited' WHERE seq = 2"))
    code, output = invoke("verify", "--workers", "1")
    assert code == 1
    assert "failed at entry 2: hash does not match the entry (altered)" in output
    assert "1 entries verified before it" in output


def key_id() -> str:
    return checkpoints.key_id(keys.signing_key(get_settings()).public_key())


@pytest.mark.usefixtures("data_dir")
def test_verify_with_a_public_key_kept_elsewhere(tmp_path: Path) -> None:
    assert invoke("checkpoint")[0] == 0
    code, pem = invoke("public-key")
    assert code == 0
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    kept = tmp_path / "audit.pub"
    kept.write_text(pem)
    assert invoke("verify", "--public-key", str(kept))[0] == 0

    other = tmp_path / "other.pub"
    other.write_text(keys.public_key_pem(Ed25519PrivateKey.generate().public_key()))
    code, output = invoke("verify", "--public-key", str(other))
    assert code == 1
    assert re.search(
        r"checkpoint [0-9a-f-]{36} at entry 1: checkpoint signed by an unknown key", output
    )
