"""What the audit log costs: appends and audited reads against plain ones, and verification.

Each "per transaction" benchmark runs ``TRANSACTIONS`` transactions, so the rate per second
is ``TRANSACTIONS / median``. SQLite runs on a temporary file; PostgreSQL runs too when
``JIGSAW_BENCH_DATABASE_URL`` names a database with "bench" in its name (it is emptied).
"""

import atexit
import itertools
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, insert, make_url, select, text

from harness import Benchmark
from jigsaw import audit, children, migrations
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.vocabulary import AccessBasis, AgencyKind
from jigsaw.audit.parallel import verify_database
from jigsaw.audit.services import EVENTS
from jigsaw.config import normalise_database_url
from jigsaw.core import clock
from jigsaw.core.context import RequestContext, set_current_request
from jigsaw.core.db import is_sqlite, make_engine, make_session_factory
from jigsaw.core.uow import UnitOfWork

PLAIN_INSERT = insert(EVENTS)  # built once, executed on the connection, as audit.record does
TRANSACTIONS = 1_000
VERIFY_ENTRIES = 1_000_000
FILL_BATCH = 10_000
CHILDREN = 50
PG_URL = os.environ.get("JIGSAW_BENCH_DATABASE_URL")

ACTOR = Actor(
    kind=ActorKind.USER,
    id=uuid.uuid4(),
    organisation_id=uuid.uuid4(),
    agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
)
# A realistic request: the IP and user agent make the row its real size.
REQUEST = RequestContext(
    request_id="bench-request-0001",
    ip="203.0.113.42",
    user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
)


@dataclass
class Database:
    """A fresh migrated database and a unit of work on it."""

    engine: Engine
    uow: UnitOfWork
    children: list[uuid.UUID] = field(default_factory=list)
    # Plain rows are numbered down from -1, so they never collide with the chain's.
    plain_seqs: Iterator[int] = field(default_factory=lambda: itertools.count(-1, -1))


_open: list[Engine] = []
_folders: list[str] = []


def _cleanup() -> None:
    for engine in _open:
        engine.dispose()
    for folder in _folders:
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(_cleanup)


def fresh(url: str | None) -> Database:
    """An empty database, migrated to head: a SQLite file, or the bench PostgreSQL emptied."""
    for engine in _open:
        engine.dispose()
    if url is None:
        folder = tempfile.mkdtemp(prefix="jigsaw-bench-")
        _folders.append(folder)
        engine = make_engine(f"sqlite:///{folder}/bench.db")
    else:
        if "bench" not in (make_url(url).database or ""):
            raise SystemExit("JIGSAW_BENCH_DATABASE_URL must name a database with 'bench' in it")
        engine = make_engine(normalise_database_url(url))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    _open.append(engine)
    migrations.upgrade(engine)
    return Database(engine, UnitOfWork(make_session_factory(engine)))


def with_children(url: str | None) -> Database:
    database = fresh(url)
    ids = _subjects(CHILDREN)
    rows = [
        {"id": child_id, "date_of_birth": date(2015, 1, 1), "date_of_birth_estimated": False,
         "sex": children.Sex.FEMALE, "created_at": clock.now()}
        for child_id in ids
    ]  # fmt: skip
    with database.uow as uow:
        uow.session.execute(insert(children.Child), rows)
        uow.commit()
    database.children = ids
    return database


def plain_inserts(database: Database) -> None:
    """The same row audit.record writes, the same way, minus the hashing and the chain head."""
    uow, seqs = database.uow, database.plain_seqs
    set_current_request(REQUEST)
    for subject_id in _subjects(TRANSACTIONS):
        with uow:
            row = {
                "seq": next(seqs), "prev_hash": "0" * 64, "hash": "0" * 64,
                "occurred_at": clock.now(), "actor_kind": ACTOR.kind, "actor_id": ACTOR.id,
                "actor_purpose": None, "organisation_id": ACTOR.organisation_id,
                "action": "child:viewed", "subject_type": "child", "subject_id": subject_id,
                "child_id": subject_id, "basis": AccessBasis.RELATIONSHIP, "basis_id": None,
                "request_id": REQUEST.request_id, "ip_address": REQUEST.ip,
                "user_agent": REQUEST.user_agent,
            }  # fmt: skip
            uow.session.connection().execute(PLAIN_INSERT, [row])
            uow.commit()
    set_current_request(None)


def audited_appends(database: Database) -> None:
    uow = database.uow
    set_current_request(REQUEST)
    for subject_id in _subjects(TRANSACTIONS):
        with uow:
            audit.record(uow, ACTOR, "child:viewed", subject_type="child", subject_id=subject_id,
                         basis=AccessBasis.RELATIONSHIP)  # fmt: skip
            uow.commit()
    set_current_request(None)


def plain_reads(database: Database) -> None:
    uow = database.uow
    for child_id in itertools.islice(itertools.cycle(database.children), TRANSACTIONS):
        with uow:
            uow.session.execute(select(children.Child).where(children.Child.id == child_id)).one()


def audited_reads(database: Database) -> None:
    uow = database.uow
    set_current_request(REQUEST)
    for child_id in itertools.islice(itertools.cycle(database.children), TRANSACTIONS):
        with uow:
            uow.session.execute(select(children.Child).where(children.Child.id == child_id)).one()
            audit.record(uow, ACTOR, "child:viewed", subject_type="child", subject_id=child_id,
                         basis=AccessBasis.RELATIONSHIP)  # fmt: skip
            uow.commit()
    set_current_request(None)


def filled(url: str | None) -> tuple[str, Any]:
    """A log of a million entries, written by record_many a batch per transaction."""
    database = fresh(url)
    set_current_request(REQUEST)
    for _ in range(VERIFY_ENTRIES // FILL_BATCH):
        with database.uow as uow:
            audit.record_many(
                uow, ACTOR, "child:viewed", subject_type="child",
                subject_ids=_subjects(FILL_BATCH), basis=AccessBasis.RELATIONSHIP,
            )  # fmt: skip
            uow.commit()
    set_current_request(None)
    return database.engine.url.render_as_string(hide_password=False), Ed25519PrivateKey.generate()


def verify(state: tuple[str, Ed25519PrivateKey]) -> None:
    url, key = state
    result = verify_database(url, key.public_key())
    if not result.ok or result.entries != VERIFY_ENTRIES:
        raise SystemExit(f"verification failed: {result}")


def _subjects(count: int) -> list[uuid.UUID]:
    return [uuid.uuid4() for _ in range(count)]


def _benchmarks(engine: str, url: str | None) -> list[Benchmark]:
    def setup(build: Callable[[str | None], Any]) -> Callable[[], Any]:
        return lambda: build(url)

    per = f"{TRANSACTIONS:,}"
    return [
        Benchmark(f"audit: {per} plain inserts of an audit row, a transaction each ({engine})",
                  plain_inserts, setup=setup(fresh), repeat=5, ops=TRANSACTIONS),
        Benchmark(f"audit: {per} audited appends (audit.record), a transaction each ({engine})",
                  audited_appends, setup=setup(fresh), repeat=5, ops=TRANSACTIONS,
                  target="at least half the plain insert rate"),
        Benchmark(f"audit: {per} plain reads of a child, a transaction each ({engine})",
                  plain_reads, setup=setup(with_children), repeat=5, ops=TRANSACTIONS),
        Benchmark(f"audit: {per} audited reads of a child, a transaction each ({engine})",
                  audited_reads, setup=setup(with_children), repeat=5, ops=TRANSACTIONS),
        Benchmark(f"audit: verify {VERIFY_ENTRIES:,} entries, `jigsaw audit verify` ({engine})",
                  verify, setup=setup(filled), repeat=2, target="< 5 s"),
    ]  # fmt: skip


BENCHMARKS = _benchmarks("SQLite", None) + (
    _benchmarks("PostgreSQL", PG_URL) if PG_URL and not is_sqlite(PG_URL) else []
)
