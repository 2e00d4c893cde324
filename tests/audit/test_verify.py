"""`verify_log` finds every kind of tampering, naming the first bad entry by seq."""

import re
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from jigsaw import audit
from jigsaw.audit import checkpoints
from jigsaw.audit.chain import GENESIS_HASH, entry_hash, timestamp_text
from jigsaw.audit.walk import RangeCheck
from jigsaw.core import clock
from jigsaw.core.db import is_sqlite
from jigsaw.core.uow import UnitOfWork
from tests.audit.conftest import SYSTEM, Tamper, head_seq, write_entries

ALTERED = "altered"
UNLINKED = "does not follow the entry before it"
MISSING = "missing (deleted)"


def verify(uow: UnitOfWork, key: Ed25519PrivateKey) -> audit.VerifyResult:
    with uow:
        return audit.verify_log(uow, key.public_key())


def assert_fails_at(result: audit.VerifyResult, seq: int, reason: str) -> None:
    assert result.problem is not None, "tampering went unnoticed"
    assert (result.problem.seq, reason in result.problem.reason) == (seq, True), result.problem
    assert result.entries == seq - 1
    assert not result.ok


def insert_forged(uow: UnitOfWork, seq: int, prev_hash: str) -> None:
    """An entry an intruder hashed correctly: only its place in the chain gives it away."""
    at = clock.now()
    values = (seq, prev_hash, timestamp_text(at), "system", None, "intruder", None,
              "child:viewed", "child", None, None, None, None, None, None, None)  # fmt: skip
    with uow:
        uow.session.add(audit.AuditEvent(
            seq=seq, prev_hash=prev_hash, hash=entry_hash(values), occurred_at=at,
            actor_kind="system", actor_purpose="intruder", action="child:viewed",
            subject_type="child",
        ))  # fmt: skip
        uow.commit()


def insert_checkpoint(
    uow: UnitOfWork, key: Ed25519PrivateKey, seq: int, head_hash: str
) -> uuid.UUID:
    """A checkpoint properly signed over whatever hash the signer was given."""
    signed_at = clock.now()
    kid, signature = checkpoints.sign(key, seq=seq, head_hash=head_hash, signed_at=signed_at)
    checkpoint = audit.AuditCheckpoint(
        id=uuid.uuid4(),
        seq=seq,
        hash=head_hash,
        signed_at=signed_at,
        key_id=kid,
        signature=signature,
    )
    with uow:
        uow.session.add(checkpoint)
        uow.commit()
    return checkpoint.id


def stored_hash(uow: UnitOfWork, seq: int) -> str:
    with uow:
        stmt = text("SELECT hash FROM audit_events WHERE seq = :seq")
        return str(uow.session.scalars(stmt, {"seq": seq}).one())


class TestAnUntouchedLog:
    def test_passes_with_its_checkpoints(
        self, uow: UnitOfWork, signing_key: Ed25519PrivateKey
    ) -> None:
        write_entries(uow, 3)
        audit.write_checkpoint(uow, SYSTEM, key=signing_key)
        write_entries(uow, 2)
        audit.write_checkpoint(uow, SYSTEM, key=signing_key)
        audit.write_checkpoint(uow, SYSTEM, key=signing_key)
        result = verify(uow, signing_key)
        assert (result.ok, result.entries, result.checkpoints) == (True, head_seq(uow), 3)

    def test_passes_with_a_checkpoint_of_the_empty_log(
        self, uow: UnitOfWork, signing_key: Ed25519PrivateKey
    ) -> None:
        insert_checkpoint(uow, signing_key, 0, GENESIS_HASH)
        assert verify(uow, signing_key).ok

    def test_fails_with_a_checkpoint_of_the_empty_log_that_is_not(
        self, uow: UnitOfWork, signing_key: Ed25519PrivateKey
    ) -> None:
        checkpoint_id = insert_checkpoint(uow, signing_key, 0, "1" * 64)
        problem = verify(uow, signing_key).problem
        assert problem is not None
        assert (problem.seq, problem.checkpoint_id) == (0, checkpoint_id)

    def test_reports_progress(self, uow: UnitOfWork, signing_key: Ed25519PrivateKey) -> None:
        write_entries(uow, 2)
        seen: list[tuple[int, int]] = []
        with uow:
            audit.verify_log(
                uow.session.connection(),
                signing_key.public_key(),
                on_progress=lambda done, total: seen.append((done, total)),
            )
        assert seen[-1] == (head_seq(uow), head_seq(uow))


def test_an_altered_entry_is_found(
    uow: UnitOfWork, signing_key: Ed25519PrivateKey, tamper: Tamper
) -> None:
    seqs = write_entries(uow, 5)
    tamper("UPDATE audit_events SET action = 'child:edited' WHERE seq = :seq", {"seq": seqs[2]})
    assert_fails_at(verify(uow, signing_key), seqs[2], ALTERED)


def test_an_altered_chain_head_is_found(
    uow: UnitOfWork, signing_key: Ed25519PrivateKey, tamper: Tamper
) -> None:
    seqs = write_entries(uow, 2)
    tamper("UPDATE audit_chain_head SET hash = :hash", {"hash": "f" * 64})
    result = verify(uow, signing_key)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.reason) == (
        seqs[-1],
        "does not match the chain head (altered)",
    )


def test_a_value_stored_as_the_wrong_type_is_found(
    uow: UnitOfWork, signing_key: Ed25519PrivateKey, tamper: Tamper, database_url: str
) -> None:
    if not is_sqlite(database_url):
        pytest.skip("only SQLite lets a column hold a value of another type")
    seqs = write_entries(uow, 3)
    tamper("UPDATE audit_events SET occurred_at = 42 WHERE seq = :seq", {"seq": seqs[1]})
    assert_fails_at(verify(uow, signing_key), seqs[1], ALTERED)


def test_a_deleted_entry_is_found(
    uow: UnitOfWork, signing_key: Ed25519PrivateKey, tamper: Tamper
) -> None:
    seqs = write_entries(uow, 5)
    tamper("DELETE FROM audit_events WHERE seq = :seq", {"seq": seqs[2]})
    assert_fails_at(verify(uow, signing_key), seqs[2], MISSING)


def test_deleting_the_newest_entries_is_found(
    uow: UnitOfWork, signing_key: Ed25519PrivateKey, tamper: Tamper
) -> None:
    seqs = write_entries(uow, 5)
    tamper("DELETE FROM audit_events WHERE seq >= :seq", {"seq": seqs[3]})
    assert_fails_at(verify(uow, signing_key), seqs[3], MISSING)


def test_an_inserted_entry_is_found(
    uow: UnitOfWork, signing_key: Ed25519PrivateKey, tamper: Tamper
) -> None:
    """The intruder renumbers the later entries to make room, and hashes correctly."""
    seqs = write_entries(uow, 5)
    for seq in reversed(seqs[2:]):
        tamper("UPDATE audit_events SET seq = seq + 1 WHERE seq = :seq", {"seq": seq})
    insert_forged(uow, seqs[2], stored_hash(uow, seqs[1]))
    # The forged entry links to the one before; the entry it displaced no longer links.
    assert_fails_at(verify(uow, signing_key), seqs[3], UNLINKED)


def test_an_entry_appended_behind_the_heads_back_is_found(
    uow: UnitOfWork, signing_key: Ed25519PrivateKey
) -> None:
    seqs = write_entries(uow, 2)
    insert_forged(uow, seqs[-1] + 1, stored_hash(uow, seqs[-1]))
    assert_fails_at(verify(uow, signing_key), seqs[-1] + 1, "beyond the chain head")


def test_an_entry_slipped_in_before_the_first_is_found(
    uow: UnitOfWork, signing_key: Ed25519PrivateKey
) -> None:
    write_entries(uow, 2)
    insert_forged(uow, -1, GENESIS_HASH)
    result = verify(uow, signing_key)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.reason) == (-1, "entry out of sequence (inserted)")


def test_reordered_entries_are_found(
    uow: UnitOfWork, signing_key: Ed25519PrivateKey, tamper: Tamper
) -> None:
    seqs = write_entries(uow, 5)
    swap = "UPDATE audit_events SET seq = :to WHERE seq = :seq"
    tamper(swap, {"seq": seqs[1], "to": -99})
    tamper(swap, {"seq": seqs[3], "to": seqs[1]})
    tamper(swap, {"seq": -99, "to": seqs[3]})
    assert_fails_at(verify(uow, signing_key), seqs[1], UNLINKED)


class TestAForgedCheckpoint:
    def signed_checkpoint(self, uow: UnitOfWork, key: Ed25519PrivateKey) -> audit.AuditCheckpoint:
        write_entries(uow, 3)
        return audit.write_checkpoint(uow, SYSTEM, key=key)

    def test_signed_by_another_key_is_found(
        self, uow: UnitOfWork, signing_key: Ed25519PrivateKey
    ) -> None:
        forged = self.signed_checkpoint(uow, Ed25519PrivateKey.generate())
        result = verify(uow, signing_key)
        assert result.problem == audit.Problem(
            forged.seq, "checkpoint signed by an unknown key", forged.id
        )
        assert (result.entries, result.checkpoints) == (0, 0)

    def test_with_a_signature_that_does_not_verify_is_found(
        self, uow: UnitOfWork, signing_key: Ed25519PrivateKey, tamper: Tamper
    ) -> None:
        genuine = self.signed_checkpoint(uow, signing_key)
        _, signature = checkpoints.sign(
            Ed25519PrivateKey.generate(),
            seq=genuine.seq,
            head_hash=genuine.hash,
            signed_at=genuine.signed_at,
        )
        tamper("UPDATE audit_checkpoints SET signature = :sig", {"sig": signature})
        result = verify(uow, signing_key)
        assert result.problem is not None
        assert result.problem.checkpoint_id == genuine.id
        assert "signature does not verify (forged)" in str(result.problem)

    def test_moved_to_another_hash_is_found(
        self, uow: UnitOfWork, signing_key: Ed25519PrivateKey, tamper: Tamper
    ) -> None:
        genuine = self.signed_checkpoint(uow, signing_key)
        tamper("UPDATE audit_checkpoints SET hash = :hash", {"hash": "e" * 64})
        result = verify(uow, signing_key)
        assert result.problem is not None
        assert (result.problem.checkpoint_id, result.problem.seq) == (genuine.id, genuine.seq)

    def test_that_does_not_match_the_chain_is_found(
        self, uow: UnitOfWork, signing_key: Ed25519PrivateKey
    ) -> None:
        """A checkpoint signed over another hash: the chain was rewritten, or the key stolen."""
        seqs = write_entries(uow, 3)
        checkpoint_id = insert_checkpoint(uow, signing_key, seqs[1], "d" * 64)
        result = verify(uow, signing_key)
        assert result.problem is not None
        assert (result.problem.seq, result.problem.checkpoint_id) == (seqs[1], checkpoint_id)
        assert "the chain differs from this signed checkpoint" in result.problem.reason

    def test_beyond_the_end_of_a_cut_short_log_is_found(
        self, uow: UnitOfWork, signing_key: Ed25519PrivateKey, tamper: Tamper
    ) -> None:
        """Deleting the newest entries and winding the head back is caught by the checkpoint."""
        genuine = self.signed_checkpoint(uow, signing_key)
        tamper("DELETE FROM audit_events WHERE seq >= :seq", {"seq": genuine.seq - 1})
        previous = stored_hash(uow, genuine.seq - 2)
        tamper(
            "UPDATE audit_chain_head SET seq = :seq, hash = :hash",
            {"seq": genuine.seq - 2, "hash": previous},
        )
        result = verify(uow, signing_key)
        assert result.problem is not None
        assert (result.problem.seq, result.problem.checkpoint_id) == (genuine.seq - 1, genuine.id)
        assert f"a checkpoint covers entry {genuine.seq}" in result.problem.reason


def test_problems_name_entries_by_seq_and_nothing_they_hold(
    uow: UnitOfWork, signing_key: Ed25519PrivateKey, tamper: Tamper
) -> None:
    seqs = write_entries(uow, 2)
    tamper(
        "UPDATE audit_events SET actor_purpose = 'Jane Smith' WHERE seq = :seq", {"seq": seqs[0]}
    )
    problem = verify(uow, signing_key).problem
    assert re.fullmatch(r"entry \d+: [a-z ()]+", str(problem))
    assert "Jane" not in str(problem)


@pytest.mark.postgres
class TestOnPostgreSQLTheLogIsAppendOnly:
    @pytest.mark.parametrize(
        "sql",
        [
            "UPDATE audit_events SET action = 'child:edited'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
            "UPDATE audit_checkpoints SET hash = 'x'",
            "DELETE FROM audit_checkpoints",
            "DELETE FROM audit_chain_head",
            "UPDATE audit_chain_head SET seq = seq - 1",
        ],
    )
    def test_changing_history_is_refused(
        self, uow: UnitOfWork, signing_key: Ed25519PrivateKey, sql: str
    ) -> None:
        write_entries(uow, 2)
        audit.write_checkpoint(uow, SYSTEM, key=signing_key)
        with uow, pytest.raises(DBAPIError, match=r"append-only|only moves forward"):
            uow.session.execute(text(sql))
        assert verify(uow, signing_key).ok


def test_entries_appended_while_verifying_are_not_taken_for_forgeries(uow: UnitOfWork) -> None:
    """The head is read before the entries: one appended since is past it, and fine."""
    seqs = write_entries(uow, 2)
    stale_head = (seqs[0], stored_hash(uow, seqs[0]))
    with uow:
        check = RangeCheck(uow.session.connection(), {}, stale_head)
        check.run()
        assert (check.last_seq, check.head[0]) == (seqs[1], seqs[1])
