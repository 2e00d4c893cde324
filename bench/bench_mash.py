"""The MASH queue page and the measures page with 100,000 contacts, timed server-side.

A demo partnership of 20,000 children gets two years of MASH history, written with bulk
inserts before the clock starts: 100,000 contacts (each with the concern it came from) from
every agency, mostly decided and closed, some rejected or withdrawn and the latest still
open; feedback on the decisions; partner checks on a third of the contacts; 25,000
consultations. Each page is then asked for through the whole app in process (FastAPI's
TestClient over ASGI: the session cookie, access checks, the queries, the audit rows
committed, the template), signed in as the MASH manager: 300 requests each after 20 to warm
up, timed one by one around the request; p50 and p99 of those.

SQLite runs on a temporary file. PostgreSQL runs when ``JIGSAW_BENCH_DATABASE_URL`` is set,
on a database named ``jigsaw_bench_mash`` on the same server (created if needed, emptied).
"""

import gc
import os
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from harness import Figure, Measurement, as_served
from jigsaw import migrations
from jigsaw.access.actor import Actor
from jigsaw.config import Settings
from jigsaw.consultations.rules import ConsultationOutcome
from jigsaw.core.db import Base, insert_many, make_engine, make_session_factory
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON, WorkingCalendar
from jigsaw.demo import DemoPartnership, generate_partnership
from jigsaw.demo.keys import demo_id
from jigsaw.demo.loader import load_partnership, persona_authenticator_keys
from jigsaw.mash.rules import Outcome
from jigsaw.measures.rules import WorkingClock
from jigsaw.web.app import create_app
from pages import (
    PASSWORD,
    REQUESTS,
    WARM_UP,
    ServerClock,
    database_url,
    page_figure,
    scratch_folder,
    sign_in,
)

CONTACTS = 100_000
CHILDREN = 20_000
CONSULTATIONS = 25_000
DAYS = 730
P99_TARGET_MS = 100.0
SEED = 43
BATCH = 10_000
PG_URL = os.environ.get("JIGSAW_BENCH_DATABASE_URL")
PG_DATABASE = "jigsaw_bench_mash"
# Where contacts come from, roughly as English MASHs see them: police first, then schools.
SOURCES = {
    "org:police": 30, "org:school-1": 7, "org:school-2": 6, "org:school-3": 7,
    "org:school-4": 5, "org:gp-1": 5, "org:gp-2": 4, "org:hospital": 10,
    "org:health-visiting": 8, "org:la": 18,
}  # fmt: skip
PARTNERS = ("org:police", "org:gp-1", "org:gp-2", "org:school-1", "org:health-visiting")
TIMESCALES = {"red": timedelta(hours=4), "amber": timedelta(hours=8), "green": timedelta(hours=24)}
ADVICE = {"red": timedelta(hours=1), "amber": timedelta(hours=4), "green": timedelta(hours=8)}


@dataclass
class History:
    """The rows of two years of a MASH's work, ready for bulk inserts."""

    concerns: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    feedback: list[dict[str, Any]]
    requests: list[dict[str, Any]]
    consultations: list[dict[str, Any]]


class Generator:
    """Synthetic MASH history, seeded, relative to ``now``."""

    def __init__(self, partnership: DemoPartnership, now: datetime) -> None:
        self.rng = random.Random(SEED)
        self.now = now
        self.first = (now - timedelta(days=DAYS + 1)).astimezone(LONDON).date()
        self.clock = WorkingClock(WorkingCalendar(), self.first)
        self.ids = {key: demo_id(SEED, key) for key in (*SOURCES, "org:mash")}
        self.worker = demo_id(SEED, "persona:mash-practitioner")
        children = [demo_id(SEED, child.key) for child in partnership.children]
        # Most children come to the MASH once or twice; a few families again and again.
        self.children, self.frequent = children, children[: len(children) // 10]
        self.latest: dict[uuid.UUID, datetime] = {}  # each child's latest contact so far

    def history(self) -> History:
        """Every row, contacts oldest first."""
        found = History([], [], [], [], [])
        for number, received in enumerate(sorted(self._moment() for _ in range(CONTACTS))):
            self._contact(found, number, received)
        for number in range(CONSULTATIONS):
            found.consultations.append(self._consultation(number, self._moment()))
        return found

    def _moment(self) -> datetime:
        """A time in the two years: mostly office hours on weekdays, some at any hour."""
        day = self.first + timedelta(days=self.rng.randrange(1, DAYS + 1))
        if self.rng.random() < 0.85 and day.weekday() < 5:  # noqa: PLR2004
            minute = self.rng.randrange(9 * 60, 17 * 60)
        else:
            minute = self.rng.randrange(24 * 60)
        local = datetime.combine(day, datetime.min.time(), LONDON) + timedelta(minutes=minute)
        return min(local.astimezone(UTC), self.now - timedelta(minutes=1))

    def _later(self, start: datetime, most_hours: float) -> datetime:
        """A moment some working time after ``start``."""
        working = timedelta(minutes=self.rng.uniform(10, most_hours * 60))
        return self.clock.add(start, working)

    def _contact(self, found: History, number: int, received: datetime) -> None:
        rng, ids = self.rng, self.ids
        source = rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]
        pool = self.frequent if rng.random() < 0.3 else self.children  # noqa: PLR2004
        child = rng.choice(pool) if rng.random() < 0.85 else None  # noqa: PLR2004
        urgency = rng.choices(["red", "amber", "green"], weights=[15, 50, 35])[0]
        concern_id, contact_id = uuid.uuid4(), uuid.uuid4()
        found.concerns.append({
            "id": concern_id, "reference": f"B{number:09d}", "status": "received",
            "organisation_id": ids[source], "author_id": self.worker, "author_kind": "user",
            "created_at": received, "updated_at": received, "sent_at": received,
            "subject": "identified" if child else "unidentified", "child_id": child,
            "immediate_danger": False, "categories": [], "what_shared": [],
        })  # fmt: skip
        worked = self._later(received, rng.choice([6, 12, 40]))
        fate = rng.random()
        decided: datetime | None = worked
        outcome: str | None
        state, outcome = "closed", rng.choice(list(Outcome)).value
        if worked >= self.now:  # the latest are still being worked
            state, decided, outcome = rng.choice(["received", "screening"]), None, None
        elif fate < 0.06:  # noqa: PLR2004
            state, decided, outcome = rng.choice(["rejected", "revoked"]), None, None
        found.contacts.append({
            "id": contact_id, "organisation_id": ids["org:mash"], "concern_id": concern_id,
            "child_id": child, "source_organisation_id": ids[source], "state": state,
            "urgency": urgency, "received_at": received,
            "due_at": self.clock.add(received, TIMESCALES[urgency]), "assigned_to_id": None,
            "social_care_involved": source == "org:la", "decided_at": decided,
            "outcome": outcome, "updated_at": received if decided is None else decided,
            # As mash.intake and mash.feedback keep them (contacts come oldest first).
            "previous_received_at": self.latest.get(child) if child else None,
            "feedback_sent_at": None,
        })  # fmt: skip
        if child is not None:
            self.latest[child] = received
        if decided is not None:
            found.feedback.append(self._feedback(contact_id, decided))
            found.contacts[-1]["feedback_sent_at"] = found.feedback[-1]["sent_at"]
        if rng.random() < 0.35:  # noqa: PLR2004
            asked = self.clock.add(received, timedelta(minutes=30))
            for partner in rng.sample(PARTNERS, rng.randint(1, 3)):
                found.requests.append(self._request(contact_id, partner, asked, urgency))

    def _feedback(self, contact_id: uuid.UUID, decided: datetime) -> dict[str, Any]:
        sent = self._later(decided, 10) if self.rng.random() < 0.92 else None  # noqa: PLR2004
        sent = sent if sent is not None and sent < self.now else None
        return {
            "id": uuid.uuid4(), "contact_id": contact_id,
            "status": "acknowledged" if sent else "draft", "text_sealed": "(not read here)",
            "due_at": self.clock.add(decided, timedelta(hours=8)), "sent_at": sent,
        }  # fmt: skip

    def _request(
        self, contact_id: uuid.UUID, partner: str, asked: datetime, urgency: str
    ) -> dict[str, Any]:
        answered = self._later(asked, 16) if self.rng.random() < 0.9 else None  # noqa: PLR2004
        return {
            "id": uuid.uuid4(), "contact_id": contact_id, "organisation_id": self.ids[partner],
            "mash_id": self.ids["org:mash"], "asked_by_id": self.worker, "asked_at": asked,
            "due_at": self.clock.add(asked, TIMESCALES[urgency]),
            "answered_at": answered if answered is not None and answered < self.now else None,
        }  # fmt: skip

    def _consultation(self, number: int, created: datetime) -> dict[str, Any]:
        rng = self.rng
        urgency = rng.choices(["red", "amber", "green"], weights=[10, 50, 40])[0]
        advised = self._later(created, 8)
        state = "advised" if advised < self.now else "requested"
        if rng.random() < 0.05:  # noqa: PLR2004
            state = "withdrawn"
        return {
            "id": uuid.uuid4(), "reference": f"T-{number:07d}",
            "organisation_id": self.ids["org:mash"],
            "channel": rng.choice(["form", "phone"]), "state": state, "urgency": urgency,
            "asker_organisation_id": self.ids[rng.choice(list(SOURCES))],
            "situation_sealed": "(not read here)", "created_at": created,
            "due_at": self.clock.add(created, ADVICE[urgency]),
            "advised_at": advised if state == "advised" else None,
            "outcome": rng.choice(list(ConsultationOutcome)).value if state == "advised" else None,
            "updated_at": created,
        }  # fmt: skip


def insert(engine: Engine, history: History) -> None:
    """Every row, a batch at a time, parents before children."""
    tables = Base.metadata.tables
    for name, rows in (("concerns", history.concerns), ("mash_contacts", history.contacts),
                       ("mash_feedback", history.feedback),
                       ("mash_information_requests", history.requests),
                       ("consultations", history.consultations)):  # fmt: skip
        for start in range(0, len(rows), BATCH):
            with Session(engine) as session:
                insert_many(session, tables[name], rows[start : start + BATCH])
                session.commit()
    # The planner's statistics (and PostgreSQL's visibility map), as production keeps them.
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


@dataclass
class World:
    """A seeded database and a client signed in as the MASH manager."""

    client: TestClient
    seeded_in: float
    rows: dict[str, int]


def world(url: str | None) -> Iterator[World]:
    """Build and seed the database (untimed); yields the world, then closes it."""
    folder = scratch_folder("jigsaw-bench-mash-")
    settings = Settings(data_dir=folder, database_url=database_url(url, folder, PG_DATABASE),
                        jobs_in_process=False, log_level="WARNING")  # fmt: skip
    engine = make_engine(settings.sqlalchemy_url)
    migrations.upgrade(engine)
    started = time.perf_counter()
    manager, rows = seed(engine, settings.secret("secret_key"))
    seeded_in = time.perf_counter() - started
    # What seeding kept alive is gone; collect it now, not during the timed requests (a
    # server's heap holds none of it).
    gc.collect()
    app = create_app(settings, engine=engine)
    with TestClient(ServerClock(app), follow_redirects=False) as client:
        sign_in(client, *manager)
        yield World(client, seeded_in, rows)
    engine.dispose()


def seed(engine: Engine, secret_key: str) -> tuple[tuple[str, str], dict[str, int]]:
    """The demo partnership and its MASH's history; the manager's email and authenticator
    key, and how many rows of each kind were written."""
    partnership = generate_partnership(seed=SEED, children=CHILDREN, today=date.today())  # noqa: DTZ011
    uow = UnitOfWork(make_session_factory(engine))
    load_partnership(uow, Actor.system("bench:mash"), partnership=partnership,
                     password=PASSWORD, secret_key=secret_key)  # fmt: skip
    history = Generator(partnership, datetime.now(UTC)).history()
    insert(engine, history)
    keys = persona_authenticator_keys(uow, partnership=partnership, secret_key=secret_key)
    email = next(p.email for p in partnership.personas if p.key == "persona:mash-manager")
    rows = {"contacts": len(history.contacts), "feedback": len(history.feedback),
            "partner checks": len(history.requests),
            "consultations": len(history.consultations)}  # fmt: skip
    return (email, keys[email]), rows


PAGES = (
    ("queue page, GET /mash", "/mash"),
    ("measures page, GET /mash/measures (last 28 days)", "/mash/measures"),
)


def figures(url: str | None) -> list[Figure]:
    """p50 and p99 of the queue page and the measures page (default period).

    Measured as the server runs (``harness.as_served``).
    """
    found = []
    for built in world(url):
        with as_served():
            found += [page_figure(built.client, label, path, target_ms=P99_TARGET_MS)
                      for label, path in PAGES]  # fmt: skip
        rows = ", ".join(f"{n:,} {name}" for name, n in built.rows.items())
        found.append(Figure("rows seeded", f"{rows} in {built.seeded_in:.1f} s"))
    return found


HOW = (
    f"{REQUESTS} requests per page after {WARM_UP} warm-up, each timed inside the server from "
    "the request reaching the app to its last byte (pages.ServerClock: session, access, "
    "queries, audit rows, template; the p99 around the test client's call in brackets), "
    "signed in as the MASH manager; two years of synthetic history on 20,000 "
    "demo children (bench/bench_mash.py); the process as `jigsaw serve` runs it "
    "(web.server.settle: start-up's objects frozen, a collection per 20,000 young objects)."
)

BENCHMARKS = [
    Measurement("mash: queue and measures pages, 100,000 contacts (SQLite)",
                lambda: figures(None), how=HOW),
]  # fmt: skip
if PG_URL:
    BENCHMARKS.append(Measurement("mash: queue and measures pages, 100,000 contacts (PostgreSQL)",
                                  lambda: figures(PG_URL), how=HOW))  # fmt: skip
