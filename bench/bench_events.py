"""A child's chronology with 5,000 events, events posted through the API, alerts' latency.

Three measurements on a demo partnership of 2,000 children (the child index the events are
matched against), each through the whole app in process (FastAPI's TestClient over ASGI):

- **Chronology page.** One child allocated to the demo's social worker has 5,000 events from
  every agency over six years, among 50,000 in the table, written with bulk inserts before the
  clock starts. ``GET /children/{id}/chronology``, signed in as the social worker (who sees
  everything): 300 requests after 20 to warm up, each timed around the request (the session,
  access, the queries, the audit row and the "last looked" committed, the template).
- **Events accepted.** 20,000 events about the 2,000 children from ten agencies' systems, by
  NHS number (schools by UPN), posted as ``POST /api/v1/events`` in batches of 100, one
  request after another, while the worker evaluates the alert rules as the commits wake it.
  Timed from the first request until the rules' queue is empty: matching, writing, answering
  and every rule's evaluation, alerts and their notices included.
- **Event to alert.** The police post a domestic abuse incident about a pupil, one at a time;
  timed from the request until the alert for the pupil's school exists (polled every
  millisecond), with the worker running as ``jigsaw serve`` runs it (every job), and with a
  worker running only the rule job.

SQLite runs on a temporary file. PostgreSQL runs when ``JIGSAW_BENCH_DATABASE_URL`` is set, on
a database named ``jigsaw_bench_events`` on the same server (created if needed, emptied).
"""

import gc
import os
import random
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from harness import Figure, Measurement, as_served
from jigsaw import migrations
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.accounts import services as accounts
from jigsaw.alerts.models import Alert
from jigsaw.config import Settings
from jigsaw.core import encryption
from jigsaw.core.db import Base, insert_many, make_engine, make_session_factory
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import DemoChild, DemoPartnership, generate_partnership
from jigsaw.demo.events import SYSTEMS, WORDS
from jigsaw.demo.keys import demo_id
from jigsaw.demo.loader import load_partnership, persona_authenticator_keys
from jigsaw.events.models import EventWaiting, MatchState
from jigsaw.jobs import JOBS, Worker
from jigsaw.jobs.registry import Job
from jigsaw.web.app import create_app
from pages import (
    PASSWORD,
    REQUESTS,
    WARM_UP,
    ServerClock,
    database_url,
    page_figure,
    percentile,
    scratch_folder,
    sign_in,
)

CHILDREN = 2_000
HISTORY = 5_000  # events about the one child
OTHERS = 45_000  # events about everyone else
DAYS = 6 * 365
POSTED = 20_000
BATCH = 100
ALERTS = 200  # incidents timed one by one
ALERT_WARM_UP = 10
ALERT_PATIENCE = 60.0  # seconds to wait for one alert before giving up
P99_TARGET_MS = 50.0
RATE_TARGET = 500.0
SEED = 47
INSERT_BATCH = 10_000
PG_URL = os.environ.get("JIGSAW_BENCH_DATABASE_URL")
PG_DATABASE = "jigsaw_bench_events"
# What each agency posts, as (category, words of demo.events), and how much of the traffic.
KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    "org:police": (("domestic_abuse_incident", "da"), ("missing_episode", "missing"),
                   ("police_welfare_check", "welfare")),
    "org:hospital": (("emergency_attendance", "ed"), ("missed_health_appointment",
                                                      "outpatient-wnb")),
    "org:gp-1": (("missed_health_appointment", "gp-wnb"), ("health_visit", "gp-review")),
    "org:gp-2": (("missed_health_appointment", "gp-wnb"), ("health_visit", "gp-review")),
    "school": (("persistent_absence", "attendance"), ("suspension", "suspension-secondary")),
    "org:la": (("social_care_visit", "visit-cin"), ("strategy_discussion", "plan-start")),
    "org:health-visiting": (("health_visit", "hv-review"),),
}  # fmt: skip
SHARES = {"org:police": 15, "org:hospital": 15, "org:gp-1": 8, "org:gp-2": 7, "school": 35,
          "org:la": 10, "org:health-visiting": 10}  # fmt: skip


@dataclass
class World:
    """A migrated database holding the demo partnership, and the app on it."""

    settings: Settings
    engine: Engine
    partnership: DemoPartnership
    keys: dict[str, str]  # personas' authenticator keys by email

    def id(self, key: str) -> uuid.UUID:
        return demo_id(SEED, key)

    def email(self, persona: str) -> str:
        return next(p.email for p in self.partnership.personas if p.key == persona)


def world(url: str | None) -> Iterator[World]:
    """Build the database and load the partnership (untimed); yields it, then disposes of it."""
    folder = scratch_folder("jigsaw-bench-events-")
    settings = Settings(data_dir=folder, database_url=database_url(url, folder, PG_DATABASE),
                        jobs_in_process=False, log_level="WARNING")  # fmt: skip
    encryption.install(encryption.keyring_from_settings(settings))
    engine = make_engine(settings.sqlalchemy_url)
    migrations.upgrade(engine)
    partnership = generate_partnership(seed=SEED, children=CHILDREN, today=date.today())  # noqa: DTZ011
    uow = UnitOfWork(make_session_factory(engine))
    secret_key = settings.secret("secret_key")
    load_partnership(uow, Actor.system("bench:events"), partnership=partnership,
                     password=PASSWORD, secret_key=secret_key)  # fmt: skip
    keys = persona_authenticator_keys(uow, partnership=partnership, secret_key=secret_key)
    yield World(settings, engine, partnership, keys)
    engine.dispose()


def analyse(engine: Engine) -> None:
    """The planner's statistics (and PostgreSQL's visibility map), as production keeps them."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


# The chronology page.


def allocated(partnership: DemoPartnership) -> DemoChild:
    """A child allocated to the demo's social worker, whose record is not restricted."""
    casework = partnership.casework
    restricted = {r.child_key for r in casework.restrictions}
    mine = {i.child_key for i in casework.involvements if i.persona_key == "persona:social-worker"}
    mine -= restricted
    return next(c for c in partnership.children if c.key in mine and c.school_key)


def event_rows(built: World, child: DemoChild) -> list[dict[str, Any]]:
    """The child's 5,000 events from every agency, and 45,000 about the other children."""
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    organisations = [key for key in SYSTEMS if key != "org:la"] + ["org:la"] * 3
    others = [built.id(c.key) for c in built.partnership.children if c.key != child.key]
    rows = []
    for number in range(HISTORY + OTHERS):
        mine = number < HISTORY
        organisation = rng.choice(organisations)
        category, words = rng.choice(KINDS.get(organisation, KINDS["school"]))
        code, words_text = rng.choice(WORDS[words])
        occurred = now - timedelta(minutes=rng.randrange(10, DAYS * 24 * 60))
        event_id = uuid.uuid4()
        said = words_text.format(time="21:40", later="23:10", pct="88.5", sessions=3,
                                 place="the bus station")  # fmt: skip
        rows.append({
            "id": event_id, "child_id": built.id(child.key) if mine else rng.choice(others),
            "organisation_id": built.id(organisation), "category": category,
            "occurred_at": occurred, "recorded_at": occurred + timedelta(hours=2),
            "source_system": SYSTEMS[organisation][0], "source_event_id": f"B-{number:07d}",
            "source_code": code,
            "text_sealed": encryption.seal("child_events", "text_sealed", event_id, said)
            if mine else None,
            "record_kind": None, "record_id": None, "open_to_all": False,
            "significant": rng.random() < 0.08, "marked_by_id": None, "marked_at": None,  # noqa: PLR2004
            "match_state": MatchState.MATCHED, "identity_sealed": None, "candidates": None,
            "reviewed_by_id": None, "reviewed_at": None,
        })  # fmt: skip
    return rows


def insert(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """The events, a batch at a time, then the planner's statistics."""
    table = Base.metadata.tables["child_events"]
    for start in range(0, len(rows), INSERT_BATCH):
        with Session(engine) as session:
            insert_many(session, table, rows[start : start + INSERT_BATCH])
            session.commit()
    analyse(engine)


def chronology_figures(url: str | None) -> list[Figure]:
    """p50 and p99 of the chronology page, as the social worker and in the compact view."""
    found = []
    for built in world(url):
        child = allocated(built.partnership)
        started = time.perf_counter()
        insert(built.engine, event_rows(built, child))
        seeded_in = time.perf_counter() - started
        gc.collect()
        app = ServerClock(create_app(built.settings, engine=built.engine))
        with TestClient(app, follow_redirects=False) as client:
            email = built.email("persona:social-worker")
            sign_in(client, email, built.keys[email])
            path = f"/children/{built.id(child.key)}/chronology"
            with as_served():
                found.append(page_figure(client, "chronology page (newest 100), social worker",
                                         path, target_ms=P99_TARGET_MS))  # fmt: skip
                found.append(page_figure(client, "compact view (1,000 lines)",
                                         f"{path}?view=compact", target_ms=None))  # fmt: skip
                found.append(page_figure(client, "filtered: police, significant only",
                                         f"{path}?agency={built.id('org:police')}&significant=1",
                                         target_ms=None))  # fmt: skip
        found.append(Figure("rows seeded", f"{HISTORY + OTHERS:,} events in {seeded_in:.1f} s"))
    return found


# Events accepted through the API, and the rules' latency.


def tokens(built: World) -> dict[str, dict[str, str]]:
    """An API token for each agency's system, allowed to post events (as an admin issues it)."""
    uow = UnitOfWork(make_session_factory(built.engine))
    admin = Actor.user(built.id("persona:system-admin"), organisation_id=built.id("org:la"),
                       agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
                       roles=frozenset({Role.SYSTEM_ADMIN}))  # fmt: skip
    headers = {}
    for organisation, (system, _prefix) in SYSTEMS.items():
        account = accounts.add_service_account(uow, admin, organisation_id=built.id(organisation),
                                               name=system)  # fmt: skip
        _token, secret = accounts.issue_api_token(
            uow, admin, service_account_id=account.id,
            permissions=frozenset({Permission.EVENT_POST}), valid_days=1,
        )  # fmt: skip
        headers[organisation] = {"Authorization": f"Bearer {secret}"}
    return headers


def posted_event(
    rng: random.Random, child: DemoChild, organisation: str, kind: tuple[str, str], *,
    number: int, at: datetime,
) -> dict[str, Any]:  # fmt: skip
    """One event as the agency's system sends it: the child by NHS number (a school, by UPN)."""
    category, words = kind
    code, said = rng.choice(WORDS[words])
    who: dict[str, str | None] = {"given_names": child.given_names,
                                  "family_name": child.family_name,
                                  "date_of_birth": child.date_of_birth.isoformat()}  # fmt: skip
    if organisation.startswith("org:school") and child.upn is not None:
        who["upn"] = child.upn
    else:
        who["nhs_number"] = child.nhs_number
    return {
        "source_event_id": f"{SYSTEMS[organisation][1]}-{number:07d}", "category": category,
        "occurred_at": at.isoformat(), "child": who, "source_code": code,
        "text": said.format(time="21:40", later="23:10", pct="88.5", sessions=3,
                            place="the bus station"),
    }  # fmt: skip


def batches(partnership: DemoPartnership) -> list[tuple[str, list[dict[str, Any]]]]:
    """20,000 events about the 2,000 children, in batches of 100 per agency, interleaved."""
    rng = random.Random(SEED + 1)
    now = datetime.now(UTC)
    by_agency: dict[str, list[dict[str, Any]]] = {}
    agencies = list(SHARES)
    for number in range(POSTED):
        agency = rng.choices(agencies, weights=list(SHARES.values()))[0]
        child = rng.choice(partnership.children)
        if agency == "school" and child.school_key is None:
            agency = child.gp_key
        organisation = child.school_key if agency == "school" else agency
        assert organisation is not None  # noqa: S101 - a school only for pupils
        at = now - timedelta(minutes=rng.randrange(5, 60 * 24 * 14))
        event = posted_event(rng, child, organisation, rng.choice(KINDS[agency]), number=number,
                             at=at)  # fmt: skip
        by_agency.setdefault(organisation, []).append(event)
    chunks = {o: [events[i : i + BATCH] for i in range(0, len(events), BATCH)]
              for o, events in by_agency.items()}  # fmt: skip
    ordered = []
    while any(chunks.values()):
        for organisation in sorted(chunks):
            if chunks[organisation]:
                ordered.append((organisation, chunks[organisation].pop(0)))
    return ordered


def waiting(engine: Engine) -> int:
    """Events the rules have not yet looked at."""
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(EventWaiting)) or 0


def running(built: World, jobs: tuple[Job, ...]) -> tuple[threading.Thread, threading.Event]:
    """A worker on these jobs, each run once first (the daily ones too), then in the background."""
    worker = Worker(jobs, make_session_factory(built.engine), built.settings)
    worker.run_due()
    return worker.start_in_background()


RULES_ONLY = tuple(job for job in JOBS if job.name == "evaluate alert rules")


def intake_figures(url: str | None) -> list[Figure]:
    """Events accepted per second, matching and the rules' evaluation included."""
    found = []
    for built in world(url):
        headers = tokens(built)
        ordered = batches(built.partnership)
        analyse(built.engine)
        app = create_app(built.settings, engine=built.engine)
        with TestClient(app) as client, as_served():
            thread, stop = running(built, JOBS)
            started = time.perf_counter()
            for organisation, events in ordered:
                response = client.post("/api/v1/events", headers=headers[organisation],
                                       json={"events": events})  # fmt: skip
                if response.status_code != 200:  # noqa: PLR2004
                    raise SystemExit(f"POST /api/v1/events answered {response.status_code}")
            posted_in = time.perf_counter() - started
            while waiting(built.engine):
                time.sleep(0.01)
            done_in = time.perf_counter() - started
            stop.set()
            thread.join(timeout=60)
            found += intake_counts(built, posted_in, done_in)
    return found


def intake_counts(built: World, posted_in: float, done_in: float) -> list[Figure]:
    """The rate, and what the rules made of the events (so the work done is visible)."""
    with Session(built.engine) as session:
        alerts = session.scalar(select(func.count()).select_from(Alert)) or 0
        query = text("SELECT match_state, count(*) FROM child_events GROUP BY match_state")
        states: dict[str, int] = {str(state): n for state, n in session.execute(query).tuples()}
    rate = POSTED / done_in
    waiting_for_people = states.get("possible", 0) + states.get("unmatched", 0)
    return [
        Figure(
            f"{POSTED:,} events in batches of {BATCH}, matched and evaluated",
            f"{rate:,.0f}/s",
            target=f">= {RATE_TARGET:.0f}/s",
            met=rate >= RATE_TARGET,
        ),
        Figure(
            "posting alone (requests answered)",
            f"{POSTED / posted_in:,.0f}/s ({posted_in:.1f} s; the rules' queue empty "
            f"{done_in - posted_in:.1f} s later)",
        ),
        Figure(
            "what came of them",
            f"{states.get('matched', 0):,} matched, {waiting_for_people:,} waiting for a "
            f"person, {alerts:,} alerts raised",
        ),
    ]


def incidents(built: World) -> list[dict[str, Any]]:
    """Domestic abuse incidents about pupils, one per request, as the police system sends them.

    Pupils with a second (duplicate) record are left out: their incidents wait for a person
    at the police to say which record, so no rule sees them.
    """
    rng = random.Random(SEED + 2)
    doubled = {d.original_key for d in built.partnership.duplicates}
    pupils = [c for c in built.partnership.children
              if c.school_key is not None and c.key not in doubled]  # fmt: skip
    now = datetime.now(UTC)
    return [
        posted_event(rng, rng.choice(pupils), "org:police", ("domestic_abuse_incident", "da"),
                     number=900_000 + number, at=now - timedelta(hours=2))
        for number in range(2 * (ALERTS + ALERT_WARM_UP))
    ]  # fmt: skip


def alert_seconds(
    client: TestClient, built: World, police: dict[str, str], events: list[dict[str, Any]]
) -> list[float]:
    """Seconds from each incident's POST until its school's alert exists.

    An incident the index could not match surely (a twin) raises no alert: it is not timed.
    """
    factory: sessionmaker[Session] = make_session_factory(built.engine)
    seconds = []
    for number, event in enumerate(events):
        started = time.perf_counter()
        response = client.post("/api/v1/events", headers=police, json={"events": [event]})
        [answer] = response.json()["results"]
        if answer["match_state"] != MatchState.MATCHED:
            continue
        event_id = uuid.UUID(answer["event_id"])
        while True:
            with factory() as session:
                if session.scalar(select(Alert.id).where(Alert.event_id == event_id).limit(1)):
                    break
            if time.perf_counter() - started > ALERT_PATIENCE:
                raise SystemExit("an incident about a pupil raised no alert within a minute")
            time.sleep(0.001)
        if number >= ALERT_WARM_UP:
            seconds.append(time.perf_counter() - started)
    return seconds


def latency_figures(url: str | None) -> list[Figure]:
    """p50 and p99 from an incident's POST to its alert, as the worker runs in `jigsaw serve`
    (every job) and with a worker running only the rules."""
    found = []
    for built in world(url):
        police = tokens(built)["org:police"]
        events = incidents(built)
        half = len(events) // 2
        app = create_app(built.settings, engine=built.engine)
        with TestClient(app) as client:
            for label, jobs, chunk in (("worker with every job (as `jigsaw serve`)", JOBS,
                                        events[:half]),
                                       ("worker with the rule job alone", RULES_ONLY,
                                        events[half:])):  # fmt: skip
                thread, stop = running(built, jobs)
                seconds = alert_seconds(client, built, police, chunk)
                stop.set()
                thread.join(timeout=60)
                p50, p99 = statistics.median(seconds) * 1000, percentile(seconds, 0.99) * 1000
                value = f"{p50:.0f} ms / {p99:.0f} ms ({len(seconds)} incidents)"
                found.append(Figure(f"incident to school alert, {label}: p50 / p99", value))
    return found


HOW_PAGE = (
    f"{REQUESTS} requests after {WARM_UP} warm-up, each timed inside the server from the "
    "request reaching the app to its last byte (pages.ServerClock: session, access, queries, "
    "audit row, template; the p99 around the test client's call in brackets), signed in "
    f"as the social worker; one child with {HISTORY:,} events from ten agencies among "
    f"{HISTORY + OTHERS:,} (bench/bench_events.py); the process as `jigsaw serve` runs it "
    "(web.server.settle: start-up's objects frozen, a collection per 20,000 young objects)."
)
HOW_INTAKE = (
    f"{POSTED:,} events about {CHILDREN:,} demo children from ten agencies' systems, by NHS "
    f"number or UPN, POST /api/v1/events in batches of {BATCH} one after another, the worker "
    "(every job) evaluating the rules as commits wake it; timed from the first request until "
    "the rules' queue is empty (bench/bench_events.py); the process as `jigsaw serve` runs "
    "it (web.server.settle)."
)
HOW_LATENCY = (
    f"{ALERTS} police domestic abuse incidents about pupils, one per request after "
    f"{ALERT_WARM_UP} warm-up, each timed from the request until its school's alert exists "
    "(polled every millisecond), with the worker as `jigsaw serve` runs it (every job) and "
    "with the rule job alone (bench/bench_events.py)."
)


def _measurements(engine: str, url: str | None) -> list[Measurement]:
    return [
        Measurement(f"events: chronology page, {HISTORY:,} events ({engine})",
                    lambda: chronology_figures(url), how=HOW_PAGE),
        Measurement(f"events: accepted through the API ({engine})",
                    lambda: intake_figures(url), how=HOW_INTAKE),
        Measurement(f"events: event to alert latency ({engine})",
                    lambda: latency_figures(url), how=HOW_LATENCY),
    ]  # fmt: skip


BENCHMARKS = _measurements("SQLite", None)
if PG_URL:
    BENCHMARKS += _measurements("PostgreSQL", PG_URL)
