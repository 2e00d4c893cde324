"""The server's process settings: start-up's objects frozen, collections less often."""

import gc
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from jigsaw.web.server import YOUNG_OBJECTS, settle


@pytest.fixture
def restored() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored")
def test_settling_freezes_what_start_up_built_and_collects_less_often() -> None:
    kept = [[n] for n in range(100)]  # alive once the app is built
    settle()
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold()[0] == YOUNG_OBJECTS


class _AsServed:
    """The app as uvicorn calls it: no request for the template's context back (the test
    client's "http.response.debug", which keeps a page's data in the client's cycles)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        extensions = {k: v for k, v in scope.get("extensions", {}).items()
                      if k != "http.response.debug"}  # fmt: skip
        await self.app({**scope, "extensions": extensions}, receive, send)


@pytest.fixture
def collector_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    yield
    gc.set_debug(0)
    gc.garbage.clear()
    gc.enable()


@pytest.mark.usefixtures("collector_paused")
def test_a_page_is_freed_when_sent_not_left_for_the_collector(app: FastAPI) -> None:
    # Templates import their macros without the page's context (the form token is passed
    # in): a macro made per page would close over the page's data in a cycle, and every
    # page's rows would wait for a collection, which then took tens of milliseconds.
    with TestClient(_AsServed(app)) as client:
        assert client.get("/sign-in").status_code == 200
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
    left = {type(o).__qualname__ for o in gc.garbage if type(o).__module__ == "jinja2.runtime"}
    assert not left & {"Macro", "Context"}
