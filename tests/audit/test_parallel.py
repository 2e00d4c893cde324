"""A long log is checked in ranges, in parallel, and still proves one unbroken chain."""

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text

from jigsaw import audit
from jigsaw.audit.parallel import check_range, verify_database
from jigsaw.audit.verify import read_head
from jigsaw.core.db import is_sqlite, make_session_factory
from jigsaw.core.uow import UnitOfWork
from tests.audit.conftest import SYSTEM, write_entries

SIZE = 4  # ten entries make three ranges: 1-4, 5-8, 9 onwards


def url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def fill(engine: Engine, key: Ed25519PrivateKey) -> UnitOfWork:
    uow = UnitOfWork(make_session_factory(engine))
    write_entries(uow, 5)
    audit.write_checkpoint(uow, SYSTEM, key=key)  # entry 6
    write_entries(uow, 4)
    return uow


def tamper(engine: Engine, sql: str, params: dict[str, Any] | None = None) -> None:
    with engine.begin() as connection:
        if not is_sqlite(str(engine.url)):
            for table in ("audit_events", "audit_chain_head"):
                connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        connection.execute(text(sql), params or {})


def test_an_untouched_log_passes_in_parallel(
    scratch_engine: Engine, signing_key: Ed25519PrivateKey
) -> None:
    fill(scratch_engine, signing_key)
    seen: list[int] = []
    result = verify_database(
        url(scratch_engine), signing_key.public_key(), workers=2, size=SIZE,
        on_progress=lambda done, _total: seen.append(done),
    )  # fmt: skip
    assert (result.ok, result.entries, result.checkpoints) == (True, 10, 1)
    assert seen == [4, 8, 10]


def test_a_short_log_is_checked_in_this_process(
    scratch_engine: Engine, signing_key: Ed25519PrivateKey
) -> None:
    fill(scratch_engine, signing_key)
    result = verify_database(url(scratch_engine), signing_key.public_key())
    assert (result.ok, result.entries) == (True, 10)


def test_a_forged_checkpoint_is_found_before_any_range_starts(
    scratch_engine: Engine, signing_key: Ed25519PrivateKey
) -> None:
    fill(scratch_engine, Ed25519PrivateKey.generate())
    result = verify_database(url(scratch_engine), signing_key.public_key(), size=SIZE)
    assert result.problem is not None
    assert result.problem.reason == "checkpoint signed by an unknown key"


@pytest.mark.parametrize(
    ("sql", "seq", "reason"),
    [
        ("DELETE FROM audit_events WHERE seq = 4", 4, "entry missing (deleted)"),  # a range's last
        ("UPDATE audit_events SET action = 'x' WHERE seq = 9", 9, "altered"),  # in the last range
    ],
)
def test_tampering_is_found_in_parallel(
    scratch_engine: Engine, signing_key: Ed25519PrivateKey, sql: str, seq: int, reason: str
) -> None:
    fill(scratch_engine, signing_key)
    tamper(scratch_engine, sql)
    result = verify_database(url(scratch_engine), signing_key.public_key(), workers=2, size=SIZE)
    assert result.problem is not None
    assert (result.problem.seq, reason in result.problem.reason) == (seq, True)
    assert result.entries == seq - 1


def test_a_log_cut_short_is_found_after_the_ranges(
    scratch_engine: Engine, signing_key: Ed25519PrivateKey
) -> None:
    fill(scratch_engine, signing_key)
    tamper(scratch_engine, "DELETE FROM audit_events WHERE seq = 10")
    result = verify_database(url(scratch_engine), signing_key.public_key(), workers=2, size=SIZE)
    assert result.problem is not None
    assert (result.problem.seq, result.problem.reason) == (
        10,
        "entry missing (deleted): the head is at entry 10",
    )


@pytest.mark.parametrize(
    ("sql", "first", "last", "problem"),
    [
        (None, 5, 8, None),
        ("DELETE FROM audit_events WHERE seq = 4", 5, 8, (4, "entry missing (deleted)")),
        ("DELETE FROM audit_events WHERE seq >= 5", 5, 8, (5, "entry missing (deleted)")),
    ],
)
def test_a_range_starts_from_the_entry_before_it(
    scratch_engine: Engine,
    sql: str | None,
    first: int,
    last: int,
    problem: tuple[int, str] | None,
) -> None:
    fill(scratch_engine, Ed25519PrivateKey.generate())
    if sql is not None:
        tamper(scratch_engine, sql)
    with scratch_engine.connect() as connection:
        head = read_head(connection)
    outcome = check_range(url(scratch_engine), head, {}, first, last)
    found = (outcome.problem.seq, outcome.problem.reason) if outcome.problem else None
    assert found == problem
