"""Concerns raised per second through the API, beside plain inserts of the same rows.

The API path is everything a concern costs: the bearer token, the access checks, the
idempotency key, sealing every free-text field (AES-GCM), the recipients, the MASH contact,
the audit rows in the same transaction, and the notifications and their outbox emails. The
plain path writes the same concern and recipient rows with one INSERT each, in a transaction
of their own, with nothing else. PostgreSQL runs when ``JIGSAW_BENCH_DATABASE_URL`` names a
database with "bench" in its name (it is emptied); SQLite always runs, on a temporary file.
"""

import atexit
import itertools
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, make_url, text

from harness import Benchmark
from jigsaw import migrations
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.accounts import services as accounts
from jigsaw.config import Settings, normalise_database_url
from jigsaw.core import clock, encryption
from jigsaw.core.db import make_engine, make_session_factory
from jigsaw.core.keyring import Keyring
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import generate_partnership
from jigsaw.demo.keys import demo_id
from jigsaw.demo.loader import load_partnership
from jigsaw.sharing.models import Concern, ConcernRecipient
from jigsaw.web.app import create_app

CONCERNS = 500
CREATED = 201
CHILDREN = 300
SEED = 41
PG_URL = os.environ.get("JIGSAW_BENCH_DATABASE_URL")
NARRATIVE = (
    "At the school gate this morning she flinched when her stepfather raised his hand, then "
    "told me in class that he hits her when he has been drinking and that she is scared to go "
    "home tonight. She had a bruise on her upper arm that she tried to hide with her sleeve."
)


@dataclass
class World:
    """A migrated database with a demo partnership, a running app, and a school's token."""

    engine: Engine
    client: TestClient
    headers: dict[str, str]
    children: list[uuid.UUID]
    mash: uuid.UUID
    organisation: uuid.UUID
    author: uuid.UUID
    keys: "itertools.count[int]"


_folders: list[str] = []
_engines: list[Engine] = []


def _cleanup() -> None:
    for engine in _engines:
        engine.dispose()
    for folder in _folders:
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(_cleanup)


def world(url: str | None) -> World:
    """Build the partnership once per engine (untimed)."""
    folder = tempfile.mkdtemp(prefix="jigsaw-bench-concerns-")
    _folders.append(folder)
    if url is None:
        database_url = f"sqlite:///{folder}/bench.db"
    else:
        if "bench" not in (make_url(url).database or ""):
            raise SystemExit("JIGSAW_BENCH_DATABASE_URL must name a database with 'bench' in it")
        database_url = normalise_database_url(url)
    engine = make_engine(database_url)
    _engines.append(engine)
    if url is not None:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrations.upgrade(engine)
    settings = Settings(data_dir=folder, database_url=database_url, jobs_in_process=False,
                        encryption_keys=None)  # fmt: skip
    partnership = generate_partnership(seed=SEED, children=CHILDREN, today=date.today())  # noqa: DTZ011
    uow = UnitOfWork(make_session_factory(engine))
    load_partnership(uow, Actor.system("bench:concerns"), partnership=partnership,
                     password="bench persona password", secret_key="bench")  # fmt: skip
    app = create_app(settings, engine=engine)
    encryption.install(Keyring.generate())
    admin = Actor.user(demo_id(SEED, "persona:system-admin"),
                       organisation_id=demo_id(SEED, "org:la"),
                       agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
                       roles=frozenset({Role.SYSTEM_ADMIN}))  # fmt: skip
    school = demo_id(SEED, "org:school-1")
    account = accounts.add_service_account(uow, admin, organisation_id=school, name="School MIS")
    _token, secret = accounts.issue_api_token(
        uow, admin, service_account_id=account.id,
        permissions=frozenset({Permission.CONCERN_RAISE}), valid_days=1,
    )  # fmt: skip
    restricted = {r.child_key for r in partnership.casework.restrictions}
    pupils = sorted({demo_id(SEED, i.child_key) for i in partnership.casework.involvements
                     if i.organisation_key == "org:school-1"
                     and i.child_key not in restricted})  # fmt: skip
    client = TestClient(app)
    client.__enter__()  # one event loop for every request, as a running server has
    atexit.register(client.__exit__, None, None, None)
    return World(
        engine=engine, client=client, headers={"Authorization": f"Bearer {secret}"},
        children=pupils, mash=demo_id(SEED, "org:mash"), organisation=school,
        author=account.id, keys=itertools.count(),
    )  # fmt: skip


def body(state: World, child_id: uuid.UUID) -> dict[str, Any]:
    """A complete concern, as a school's system would send it."""
    return {
        "child_id": str(child_id), "happened_on": "2026-11-20", "how_known": "told_by_child",
        "categories": ["18C"], "level_of_need": 4, "narrative": NARRATIVE,
        "child_words": "He hits me when he has been drinking",
        "actions_taken": "Told the headteacher; she is in class", "recipients": [str(state.mash)],
        "sharing": {"decision": "share", "purpose": "So the MASH can decide how to protect her",
                    "article_6": "6(1)(e)", "consent": "not_sought",
                    "consent_not_sought_reason": "would_increase_risk"},
    }  # fmt: skip


def through_the_api(state: World) -> None:
    for child_id in itertools.islice(itertools.cycle(state.children), CONCERNS):
        headers = state.headers | {"Idempotency-Key": f"bench-{next(state.keys):09d}"}
        response = state.client.post("/api/v1/concerns", json=body(state, child_id),
                                     headers=headers)  # fmt: skip
        if response.status_code != CREATED:
            raise SystemExit(f"raising a concern failed: {response.status_code}")


def plain_inserts(state: World) -> None:
    """The same concern and recipient rows, plain text, one transaction each."""
    concern_insert, recipient_insert = insert(Concern), insert(ConcernRecipient)
    for child_id in itertools.islice(itertools.cycle(state.children), CONCERNS):
        concern_id, now = uuid.uuid4(), clock.now()
        row = {
            "id": concern_id, "reference": f"P-{next(state.keys):09d}"[-12:], "status": "sent",
            "organisation_id": state.organisation, "author_id": state.author,
            "author_kind": "service_account", "created_at": now, "updated_at": now,
            "sent_at": now, "subject": "identified", "child_id": child_id,
            "immediate_danger": False, "happened_on": date(2026, 11, 20),
            "how_known": "told_by_child", "categories": ["18C"], "level_of_need": 4,
            "narrative_sealed": NARRATIVE, "child_words_sealed": "He hits me",
            "actions_taken_sealed": "Told the headteacher", "share_decision": "share",
            "purpose_sealed": "So the MASH can decide", "article_6": "6(1)(e)",
            "consent": "not_sought", "consent_not_sought_reason": "would_increase_risk",
            "what_shared": ["what happened and when"],
        }  # fmt: skip
        with state.engine.begin() as connection:
            connection.execute(concern_insert, [row])
            connection.execute(recipient_insert, [{"concern_id": concern_id,
                                                   "organisation_id": state.mash,
                                                   "kind": "mash_contact"}])  # fmt: skip


def _benchmarks(engine: str, url: str | None) -> list[Benchmark]:
    built: dict[str, World] = {}

    def setup() -> World:
        if engine not in built:
            built[engine] = world(url)
        return built[engine]

    per = f"{CONCERNS:,}"
    return [
        Benchmark(f"concerns: {per} plain inserts of the same rows, a transaction each ({engine})",
                  plain_inserts, setup=setup, repeat=3, ops=CONCERNS),
        Benchmark(f"concerns: {per} raised through the API: token, access, idempotency, "
                  f"AES-GCM, audit, outbox ({engine})",
                  through_the_api, setup=setup, repeat=3, ops=CONCERNS),
    ]  # fmt: skip


BENCHMARKS = _benchmarks("SQLite", None) + (_benchmarks("PostgreSQL", PG_URL) if PG_URL else [])
