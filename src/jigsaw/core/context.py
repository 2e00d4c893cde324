"""Facts about the current request that audit needs but logs must not carry.

The request middleware sets them; CLI commands and jobs leave them empty. They live in
a context variable of their own, not in structlog's, so IP addresses and user agents
never reach a log line.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Where a request came from."""

    request_id: str
    ip: str | None = None
    user_agent: str | None = None


_current: ContextVar[RequestContext | None] = ContextVar("jigsaw_request", default=None)


def current_request() -> RequestContext | None:
    """The request being served, or None outside a request (CLI, jobs, tests)."""
    return _current.get()


def set_current_request(context: RequestContext | None) -> None:
    """Set (or clear, with None) the request being served."""
    _current.set(context)
