"""Encryption at rest: AES-256-GCM values bound to their row, and where the keys come from."""

import base64
import json
import multiprocessing
import os
import stat
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from jigsaw.config import Settings
from jigsaw.core import encryption, keyring
from jigsaw.core.encryption import (
    DecryptError,
    EncryptedColumn,
    Keyring,
    KeyringError,
    context_for,
    decrypt_bytes,
    decrypt_text,
    encrypt_bytes,
    encrypt_text,
    key_id_of,
)
from jigsaw.web.app import create_app

NARRATIVE = "Sam said his stepdad hit him with a belt; bruising seen on both arms."
ROW = uuid.UUID("5f0c6c8e-3b6a-4d2e-9d53-2f7c0a1b9e44")
CONTEXT = context_for("concerns", "narrative", ROW)


@pytest.fixture
def ring() -> Keyring:
    return Keyring.generate()


class TestText:
    def test_round_trip_without_the_plaintext_in_the_token(self, ring: Keyring) -> None:
        token = encrypt_text(ring, NARRATIVE, context=CONTEXT)
        assert decrypt_text(ring, token, context=CONTEXT) == NARRATIVE
        assert token.startswith(f"jg1:{ring.primary_id}:")
        assert "belt" not in token
        assert key_id_of(token) == ring.primary_id

    def test_the_same_text_encrypts_differently_each_time(self, ring: Keyring) -> None:
        first = encrypt_text(ring, NARRATIVE, context=CONTEXT)
        assert first != encrypt_text(ring, NARRATIVE, context=CONTEXT)

    def test_unicode_and_empty_text(self, ring: Keyring) -> None:
        for text in ("", "Dywedodd hi 'dw i ddim eisiau mynd adref' ✋"):
            assert (
                decrypt_text(ring, encrypt_text(ring, text, context=CONTEXT), context=CONTEXT)
                == text
            )

    def test_an_altered_token_is_refused(self, ring: Keyring) -> None:
        token = encrypt_text(ring, NARRATIVE, context=CONTEXT)
        prefix, encoded = token.rsplit(":", 1)
        raw = bytearray(base64.urlsafe_b64decode(encoded))
        raw[20] ^= 1
        altered = f"{prefix}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"
        with pytest.raises(DecryptError, match="altered"):
            decrypt_text(ring, altered, context=CONTEXT)
        with pytest.raises(DecryptError, match="malformed"):
            decrypt_text(ring, f"{prefix}:!!!not base64", context=CONTEXT)

    def test_a_token_copied_to_another_row_or_column_is_refused(self, ring: Keyring) -> None:
        token = encrypt_text(ring, NARRATIVE, context=CONTEXT)
        for elsewhere in (
            context_for("concerns", "narrative", uuid.uuid4()),
            context_for("concerns", "child_words", ROW),
        ):
            with pytest.raises(DecryptError) as refused:
                decrypt_text(ring, token, context=elsewhere)
            assert "belt" not in str(refused.value)
            assert str(ROW) not in str(refused.value)

    def test_a_token_under_a_key_not_in_the_keyring_is_refused(self, ring: Keyring) -> None:
        token = encrypt_text(Keyring.generate(), NARRATIVE, context=CONTEXT)
        with pytest.raises(DecryptError, match=f"key {key_id_of(token)}, not in the keyring"):
            decrypt_text(ring, token, context=CONTEXT)

    def test_plaintext_is_not_taken_for_a_token(self, ring: Keyring) -> None:
        for value in (NARRATIVE, "jg1:", "jg1::abc", "jg2:abc:def"):
            with pytest.raises(DecryptError, match="not encrypted text"):
                decrypt_text(ring, value, context=CONTEXT)


class TestBytes:
    def test_round_trip_with_the_key_id_in_the_header(self, ring: Keyring) -> None:
        blob = encrypt_bytes(ring, NARRATIVE.encode(), context=CONTEXT)
        assert decrypt_bytes(ring, blob, context=CONTEXT) == NARRATIVE.encode()
        assert blob.startswith(b"JGB1")
        assert b"belt" not in blob
        assert key_id_of(blob) == ring.primary_id

    def test_altered_moved_or_unknown_blobs_are_refused(self, ring: Keyring) -> None:
        blob = bytearray(encrypt_bytes(ring, b"%PDF-1.7 scan", context=CONTEXT))
        with pytest.raises(DecryptError, match="belongs to another row"):
            decrypt_bytes(ring, bytes(blob), context=context_for("attachments", "content", ROW))
        blob[-1] ^= 1
        with pytest.raises(DecryptError, match="altered"):
            decrypt_bytes(ring, bytes(blob), context=CONTEXT)
        with pytest.raises(DecryptError, match="not in the keyring"):
            decrypt_bytes(Keyring.generate(), bytes(blob), context=CONTEXT)

    def test_unencrypted_or_truncated_blobs_are_refused(self, ring: Keyring) -> None:
        blob = encrypt_bytes(ring, b"data", context=CONTEXT)
        for value in (b"%PDF-1.7", b"JGB1", b"JGB1\x08abc", blob[:10]):
            with pytest.raises(DecryptError):
                decrypt_bytes(ring, value, context=CONTEXT)


class TestKeyring:
    def test_older_keys_still_decrypt_after_a_new_primary(self, ring: Keyring) -> None:
        token = encrypt_text(ring, NARRATIVE, context=CONTEXT)
        rotated = ring.with_new_primary()
        assert rotated.ids[1:] == ring.ids
        assert decrypt_text(rotated, token, context=CONTEXT) == NARRATIVE
        assert key_id_of(encrypt_text(rotated, "x", context=CONTEXT)) == rotated.primary_id
        assert rotated.without([ring.primary_id]).ids == (rotated.primary_id,)
        assert rotated.without([rotated.primary_id]) == rotated  # never the primary

    def test_its_repr_shows_ids_not_keys(self, ring: Keyring) -> None:
        key = ring.key(ring.primary_id)
        shown = repr(ring)
        assert ring.primary_id in shown
        assert base64.b64encode(key).decode() not in shown
        assert repr(key) not in shown

    def test_keys_must_be_aes_256(self) -> None:
        with pytest.raises(KeyringError, match="32 bytes"):
            Keyring({"short": b"x" * 16})
        with pytest.raises(KeyringError, match="key ids"):
            Keyring({"a:b": b"x" * 32})
        with pytest.raises(KeyringError, match="at least one key"):
            Keyring({})


def configured(*entries: tuple[str, bytes]) -> str:
    return ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in entries)


class TestConfiguredKeys:
    def test_parsed_in_order_with_the_first_as_primary(self) -> None:
        new, old = os.urandom(32), os.urandom(32)
        value = configured(("2026-b", new), ("2025-a", old))
        ring = keyring.parse_configured_keys(SecretStr(value))
        assert ring.ids == ("2026-b", "2025-a")
        assert ring.key("2026-b") == new
        assert ring.key("2025-a") == old
        url_safe = f" k1 : {base64.urlsafe_b64encode(new).decode().rstrip('=')} "
        assert keyring.parse_configured_keys(url_safe).key("k1") == new
        assert keyring.parse_configured_keys(keyring.format_configured_keys(ring)) == ring

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("SECRETMATERIAL", "entry 1 of 1 is not 'id:base64key'"),
            ("k1:SECRETMATERIAL", r"entry 1 of 1 \(key k1\) is not 32 bytes"),
            ("k1:SECRET*MATERIAL", r"entry 1 of 1 \(key k1\) is not base64"),
            (f"{configured(('k1', bytes(32)))},:SECRETMATERIAL", "entry 2 of 2 is not"),
            (f"{configured(('k1', bytes(32)))},k1:SECRETMATERIAL", "entry 2 of 2 repeats"),
            ("", "entry 1 of 1 is not"),
        ],
    )
    def test_malformed_keys_are_refused_without_echoing_them(
        self, value: str, message: str
    ) -> None:
        with pytest.raises(KeyringError, match=message) as refused:
            keyring.parse_configured_keys(SecretStr(value))
        assert "JIGSAW_ENCRYPTION_KEYS" in str(refused.value)
        assert "SECRET" not in str(refused.value)
        assert base64.b64encode(bytes(32)).decode() not in str(refused.value)

    def test_configuration_wins_over_the_key_file(self, tmp_path: Path) -> None:
        value = configured(("conf", os.urandom(32)))
        settings = Settings(data_dir=tmp_path, encryption_keys=SecretStr(value))
        assert keyring.keyring_from_settings(settings).ids == ("conf",)
        assert not (tmp_path / keyring.KEY_FILE_NAME).exists()


class TestKeyFile:
    def test_created_once_owner_only_then_reused(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv(keyring.ENV_NAME, raising=False)
        settings = Settings(data_dir=tmp_path / "var")
        first = keyring.keyring_from_settings(settings)
        path = tmp_path / "var" / "encryption_keys.json"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(first.ids) == 1
        assert len(first.primary_id) == 8
        assert keyring.keyring_from_settings(settings) == first
        assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left

    def test_the_loser_of_a_first_run_race_uses_the_winners_key(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "encryption_keys.json"
        winner = Keyring.generate()
        real_link = os.link

        def another_process_wins(source: Path, target: Path) -> None:
            keyring.write_key_file(path, winner)
            real_link(source, target)

        monkeypatch.setattr(os, "link", another_process_wins)
        assert keyring.load_or_create_key_file(path) == winner
        assert keyring.read_key_file(path) == winner
        assert [p.name for p in tmp_path.iterdir()] == [path.name]

    def test_processes_racing_on_first_run_end_with_one_key(self, tmp_path: Path) -> None:
        path = tmp_path / "var" / "encryption_keys.json"
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=4, mp_context=context) as pool:
            rings = list(pool.map(keyring.load_or_create_key_file, [path] * 8))
        assert {ring.ids for ring in rings} == {keyring.read_key_file(path).ids}
        assert len(rings[0].ids) == 1

    def test_adding_and_dropping_keys_rewrites_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "encryption_keys.json"
        original = keyring.load_or_create_key_file(path)
        rotated = keyring.add_primary_key(path)
        assert rotated.ids[1:] == original.ids
        assert keyring.read_key_file(path) == rotated
        assert keyring.drop_keys(path, original.ids).ids == (rotated.primary_id,)
        assert keyring.read_key_file(path).ids == (rotated.primary_id,)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    @pytest.mark.parametrize(
        "content",
        [
            "not json",
            json.dumps({"version": 2, "keys": []}),
            json.dumps({"version": 1, "keys": [{"id": "a"}]}),
            json.dumps({"version": 1, "keys": [{"id": "a", "key": "SECRETMATERIAL"}]}),
        ],
    )
    def test_a_damaged_file_is_refused_without_echoing_it(
        self, tmp_path: Path, content: str
    ) -> None:
        path = tmp_path / "encryption_keys.json"
        path.write_text(content)
        with pytest.raises(KeyringError, match="encryption") as refused:
            keyring.read_key_file(path)
        assert "SECRET" not in str(refused.value)


class TestInstalled:
    def test_active_without_an_installed_keyring_says_what_to_do(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(encryption._Installed, "keyring", None)
        with pytest.raises(RuntimeError, match="no encryption keyring installed"):
            encryption.active()

    def test_the_app_installs_the_deployments_keyring(
        self,
        settings: Settings,
        engine: Engine,
        session_factory: sessionmaker[Session],
        monkeypatch: pytest.MonkeyPatch,
        encryption_keyring: Keyring,
    ) -> None:
        ours = Keyring.generate()
        monkeypatch.setattr(encryption._Installed, "keyring", encryption_keyring)
        configured_settings = settings.model_copy(
            update={"encryption_keys": SecretStr(keyring.format_configured_keys(ours))}
        )
        create_app(configured_settings, engine=engine, session_factory=session_factory)
        assert encryption.active() == ours


class TestRegistry:
    def test_register_once_and_refuse_a_conflicting_definition(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(encryption, "_registry", {})
        narrative = EncryptedColumn("concerns", "narrative", "text")
        assert encryption.register(narrative) is narrative
        encryption.register(EncryptedColumn("concerns", "narrative", "text"))
        encryption.register(EncryptedColumn("attachments", "content", "bytes"))
        with pytest.raises(ValueError, match=r"concerns\.narrative is already registered"):
            encryption.register(EncryptedColumn("concerns", "narrative", "bytes"))
        assert [c.label for c in encryption.registered()] == [
            "concerns.narrative",
            "attachments.content",
        ]

    def test_contexts_name_the_row_the_same_whatever_read_it(self) -> None:
        expected = f"concerns.narrative:{ROW}"
        assert context_for("concerns", "narrative", ROW) == expected
        assert context_for("concerns", "narrative", ROW.hex) == expected  # SQLite's raw form
        assert context_for("concerns", "narrative", str(ROW)) == expected
        assert EncryptedColumn("concerns", "narrative", "text").context(ROW) == expected
        assert context_for("t", "c", 42) == "t.c:42"
