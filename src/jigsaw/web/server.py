"""Running the app under uvicorn, for `jigsaw serve` and `jigsaw demo`."""

import gc
import os

import uvicorn
from fastapi import FastAPI

from jigsaw.web.app import create_app

DEFAULT_HOST = "127.0.0.1"


def default_port() -> int:
    """The port to serve on: ``PORT`` if set, else 8000."""
    return int(os.environ.get("PORT", "8000"))


# Young objects a collection waits for (Python's default is 700). A chronology page makes
# some 50,000 short-lived objects (rows, strings, markup), so the default ran dozens of
# collections a page, a fifth of its time (bench/bench_events.py); what a request makes is
# freed by reference counting, and cycles still are collected, just less often.
YOUNG_OBJECTS = 20_000


def settle() -> None:
    """Move what start-up built out of the cyclic garbage collector's way.

    Everything alive once the app is built (the app, its templates, the models, the guidance
    flows: some 220,000 objects) lives as long as the process. Frozen, a full collection no
    longer walks it on every pass, which was most of a page's slowest requests at 100,000
    contacts (``bench/bench_mash.py``, BENCHMARKS.md). Collections then wait for more
    young objects (``YOUNG_OBJECTS``).
    """
    gc.collect()
    gc.freeze()
    _generation_0, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, older, oldest)


def serve_app() -> FastAPI:
    """The app as the server runs it: built, then settled."""
    app = create_app()
    settle()
    return app


def run_server(*, host: str, port: int) -> None:
    """Run the web server until interrupted."""
    uvicorn.run(
        "jigsaw.web.server:serve_app",
        factory=True,
        host=host,
        port=port,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )
