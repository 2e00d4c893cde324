"""What the page benchmarks share: a scratch database, signing in, timing a page.

Each page benchmark (``bench_mash.py``, ``bench_events.py``) seeds its own world and times
its own pages through the whole app in process; the mechanics are here once.
"""

import atexit
import re
import shutil
import statistics
import tempfile
import time

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import make_url, text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from harness import Figure
from jigsaw.config import normalise_database_url
from jigsaw.core.db import make_engine

REQUESTS = 300
WARM_UP = 20
PASSWORD = "bench persona password"  # noqa: S105 - the demo personas' synthetic password
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

_folders: list[str] = []


def scratch_folder(prefix: str) -> str:
    """A temporary folder for a benchmark's data dir, removed when the run ends."""
    folder = tempfile.mkdtemp(prefix=prefix)
    _folders.append(folder)
    return folder


def _cleanup() -> None:
    for folder in _folders:
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(_cleanup)


def database_url(url: str | None, folder: str, name: str) -> str:
    """A SQLite file in ``folder``, or the database ``name`` beside ``url``, emptied."""
    if url is None:
        return f"sqlite:///{folder}/bench.db"
    server = make_url(normalise_database_url(url))
    admin = make_engine(server.render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        query = text("SELECT 1 FROM pg_database WHERE datname = :name")
        if connection.execute(query, {"name": name}).first() is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    named = server.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(named)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return named


def sign_in(client: TestClient, email: str, key: str) -> None:
    """Password, then the authenticator code, as the persona would."""
    code = pyotp.TOTP(key).now()
    for path, data in (("/sign-in", {"email": email, "password": PASSWORD}),
                       ("/sign-in/two-factor", {"code": code})):  # fmt: skip
        match = CSRF.search(client.get(path).text)
        if match is None:
            raise SystemExit(f"no form on {path}")
        response = client.post(path, data=data | {"csrf_token": match.group(1)})
        if response.status_code != 303:  # noqa: PLR2004
            raise SystemExit(f"signing in failed at {path}: {response.status_code}")


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * len(ordered)) - 1)]


class ServerClock:
    """The app, timed inside the server: from the request reaching the app to its last byte.

    "Server-side" as the targets say: what the test client does around it (building the
    request in another thread, reading the body back) is not the server's time.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.last = 0.0  # seconds the last request took

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # As uvicorn serves it: the test client asks templates to send their context back
        # (Starlette's "http.response.debug"), which keeps every page's data alive in the
        # client's reference cycles until a garbage collection. A server asks no such thing.
        extensions = {k: v for k, v in scope.get("extensions", {}).items()
                      if k != "http.response.debug"}  # fmt: skip
        scope = {**scope, "extensions": extensions}

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.last = time.perf_counter() - started
            await send(message)

        await self.app(scope, receive, timed)


def time_page(client: TestClient, path: str) -> tuple[list[float], list[float]]:
    """Seconds for each of ``REQUESTS`` requests of ``path``, after ``WARM_UP`` untimed:
    inside the server (the client's app is a ``ServerClock``), and around the client's call.
    """
    server_clock = client.app
    if not isinstance(server_clock, ServerClock):
        raise TypeError("time pages through TestClient(ServerClock(app))")
    server, around = [], []
    for number in range(WARM_UP + REQUESTS):
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:  # noqa: PLR2004
            raise SystemExit(f"GET {path} answered {response.status_code}")
        if number >= WARM_UP:
            server.append(server_clock.last)
            around.append(elapsed)
    return server, around


def page_figure(client: TestClient, label: str, path: str, *, target_ms: float | None) -> Figure:
    """The page's p50 and p99 server-side, against the p99 target unless it is a comparison
    (None); the p99 around the test client's call is said beside it."""
    server, around = time_page(client, path)
    p50, p99 = statistics.median(server) * 1000, percentile(server, 0.99) * 1000
    client_p99 = percentile(around, 0.99) * 1000
    return Figure(f"{label}: p50 / p99 server-side (p99 with the test client)",
                  f"{p50:.1f} ms / {p99:.1f} ms ({client_p99:.1f} ms)",
                  target=f"p99 <= {target_ms:.0f} ms" if target_ms is not None else "",
                  met=p99 <= target_ms if target_ms is not None else None)  # fmt: skip
