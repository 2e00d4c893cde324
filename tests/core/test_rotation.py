"""Key rotation on a real table: batches of their own, every value readable throughout."""

import uuid

import pytest
from sqlalchemy import (
    Column,
    Connection,
    LargeBinary,
    MetaData,
    Table,
    Text,
    Uuid,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session, sessionmaker

from jigsaw.core import encryption
from jigsaw.core.encryption import (
    EncryptedColumn,
    Keyring,
    decrypt_bytes,
    decrypt_text,
    encrypt_bytes,
    encrypt_text,
    key_id_of,
)
from jigsaw.core.rotation import ColumnUsage, RotationStopped, key_usage, rotate
from jigsaw.core.uow import UnitOfWork

metadata = MetaData()
NOTES = Table(
    "rotation_test_notes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("body", Text),
    Column("scan", LargeBinary),
)
BODY = EncryptedColumn("rotation_test_notes", "body", "text")
SCAN = EncryptedColumn("rotation_test_notes", "scan", "bytes")
PLAINTEXTS = [f"Disclosure {n}: she said her uncle keeps the door locked" for n in range(1, 6)]


@pytest.fixture
def notes(session_factory: sessionmaker[Session]) -> Connection:
    """A throwaway table inside the test's rolled-back transaction."""
    connection = session_factory.kw["bind"]
    assert isinstance(connection, Connection)
    metadata.create_all(connection)
    return connection


def row_id(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


def add(connection: Connection, ring: Keyring, n: int, *, scan: bool = True) -> None:
    """Row ``n``, its body and (optionally) its scan encrypted under ``ring``'s primary."""
    plaintext = PLAINTEXTS[n - 1]
    connection.execute(
        insert(NOTES).values(
            id=row_id(n),
            body=encrypt_text(ring, plaintext, context=BODY.context(row_id(n))),
            scan=encrypt_bytes(ring, plaintext.encode(), context=SCAN.context(row_id(n)))
            if scan
            else None,
        )
    )


def stored(connection: Connection) -> list[tuple[uuid.UUID, str | None, bytes | None]]:
    rows = connection.execute(select(NOTES.c.id, NOTES.c.body, NOTES.c.scan).order_by(NOTES.c.id))
    return [(r.id, r.body, r.scan) for r in rows]


def body_key_ids(connection: Connection) -> list[str]:
    return [key_id_of(body) for _, body, _ in stored(connection) if body is not None]


class TestRotate:
    def test_old_values_end_under_the_new_key_and_all_decrypt(
        self, notes: Connection, uow: UnitOfWork
    ) -> None:
        old = Keyring.generate()
        for n in range(1, 6):
            add(notes, old, n, scan=n != 3)
        notes.execute(insert(NOTES).values(id=row_id(6), body=None, scan=None))
        notes.execute(insert(NOTES).values(id=row_id(7), body="", scan=b""))  # nothing to move
        ring = old.with_new_primary()
        seen: list[tuple[int, int]] = []

        report = rotate(
            uow,
            ring,
            columns=[BODY, SCAN],
            batch_size=2,
            progress=lambda done, total: seen.append((done, total)),
        )

        assert report.reencrypted == {BODY.label: 5, SCAN.label: 4}
        assert report.examined == 9
        assert seen == [(2, 9), (4, 9), (5, 9), (7, 9), (9, 9)]
        assert report.unused_key_ids == (old.primary_id,)
        for identifier, body, scan in stored(notes)[:5]:
            n = identifier.int
            assert body is not None
            assert key_id_of(body) == ring.primary_id
            assert decrypt_text(ring, body, context=BODY.context(identifier)) == PLAINTEXTS[n - 1]
            if scan is not None:
                assert decrypt_bytes(ring, scan, context=SCAN.context(identifier)) == (
                    PLAINTEXTS[n - 1].encode()
                )
        assert stored(notes)[5:] == [(row_id(6), None, None), (row_id(7), "", b"")]
        assert stored(notes)[2][2] is None

    def test_the_raw_column_shows_no_narrative(self, notes: Connection, uow: UnitOfWork) -> None:
        old = Keyring.generate()
        for n in range(1, 6):
            add(notes, old, n)
        rotate(uow, old.with_new_primary(), columns=[BODY, SCAN])
        raw = notes.execute(text("SELECT body, scan FROM rotation_test_notes")).all()
        assert len(raw) == 5
        for body, scan in raw:
            assert "uncle" not in body
            assert b"uncle" not in bytes(scan)

    def test_values_already_under_the_primary_are_left_alone(
        self, notes: Connection, uow: UnitOfWork
    ) -> None:
        ring = Keyring.generate()
        for n in range(1, 4):
            add(notes, ring, n)
        before = stored(notes)
        report = rotate(uow, ring, columns=[BODY, SCAN])
        assert report.reencrypted_total == 0
        assert report.examined == 6
        assert stored(notes) == before

    def test_rotates_the_registered_columns_by_default(
        self, notes: Connection, uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(encryption, "_registry", {})
        encryption.register(BODY)
        old = Keyring.generate()
        add(notes, old, 1)
        ring = old.with_new_primary()
        report = rotate(uow, ring)
        assert report.reencrypted == {BODY.label: 1}
        assert body_key_ids(notes) == [ring.primary_id]
        scan = stored(notes)[0][2]
        assert scan is not None
        assert key_id_of(scan) == old.primary_id  # not registered, so not rotated


class TestRotationStops:
    def test_on_a_key_missing_from_the_keyring_leaving_that_batch_unchanged(
        self, notes: Connection, uow: UnitOfWork
    ) -> None:
        old, lost = Keyring.generate(), Keyring.generate()
        for n in (1, 2, 3):
            add(notes, old, n)
        add(notes, lost, 4)
        add(notes, old, 5)
        ring = old.with_new_primary()

        with pytest.raises(RotationStopped) as stopped:
            rotate(uow, ring, columns=[BODY], batch_size=2)

        message = str(stopped.value)
        assert f"rotation_test_notes.body, row {row_id(4)}" in message
        assert f"key {lost.primary_id}, not in the keyring" in message
        assert "Nothing in this batch was changed" in message
        assert "uncle" not in message
        # Rows 1 and 2 (first batch) moved; rows 3 and 4 (the stopped batch) did not.
        new, old_id, lost_id = ring.primary_id, old.primary_id, lost.primary_id
        assert body_key_ids(notes) == [new, new, old_id, lost_id, old_id]
        for identifier, body, _ in stored(notes):
            if identifier != row_id(4):
                assert body is not None
                assert decrypt_text(ring, body, context=BODY.context(identifier))

    @pytest.mark.parametrize(
        ("value", "problem"),
        [
            ("the narrative, never encrypted", "the value is not encrypted text"),
            ("jg1:{key}:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "altered"),
        ],
    )
    def test_on_an_unencrypted_or_altered_value(
        self, notes: Connection, uow: UnitOfWork, value: str, problem: str
    ) -> None:
        old = Keyring.generate()
        notes.execute(
            insert(NOTES).values(id=row_id(1), body=value.format(key=old.primary_id), scan=None)
        )
        with pytest.raises(RotationStopped, match=problem) as stopped:
            rotate(uow, old.with_new_primary(), columns=[BODY])
        assert "never encrypted" not in str(stopped.value)


class TestKeyUsage:
    def test_counts_values_per_key_and_those_under_unknown_keys(
        self, notes: Connection, uow: UnitOfWork
    ) -> None:
        first = Keyring.generate()
        second = first.with_new_primary()
        for n in (1, 2):
            add(notes, first, n)
        for n in (3, 4):
            add(notes, second, n, scan=False)
        add(notes, Keyring.generate(), 5)

        usage = key_usage(uow, second, columns=[BODY, SCAN])

        assert usage == (
            ColumnUsage(BODY.label, {second.primary_id: 2, first.primary_id: 2}, other=1),
            ColumnUsage(SCAN.label, {second.primary_id: 0, first.primary_id: 2}, other=1),
        )
        assert usage[0].total == 5
