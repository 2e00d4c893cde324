"""Structured logging: JSON in production, readable in development, a request id on every line.

Log identifiers, never personal data. As a safety net, values under keys that name
personal data are replaced before a line is written.
"""

import logging
import sys
import traceback
from collections.abc import MutableMapping
from typing import Any

import structlog

# Keys whose values would be personal data; a log call using one is a bug, so we redact.
PERSONAL_KEYS = frozenset(
    {
        "name", "given_name", "given_names", "family_name", "display_name", "full_name",
        "date_of_birth", "dob", "nhs_number", "upn", "address", "postcode", "email",
        "narrative", "notes", "note", "text", "password", "query", "search",
    }
)  # fmt: skip
REDACTED = "[redacted]"
MAX_CHAIN = 5


def redact_personal_data(
    logger: Any,  # noqa: ARG001 - structlog processor signature
    method_name: str,  # noqa: ARG001
    event_dict: MutableMapping[str, Any],
) -> MutableMapping[str, Any]:
    """Replace the value of any key that names personal data."""
    for key in event_dict.keys() & PERSONAL_KEYS:
        event_dict[key] = REDACTED
    return event_dict


def render_exception_safely(
    logger: Any,  # noqa: ARG001 - structlog processor signature
    method_name: str,  # noqa: ARG001
    event_dict: MutableMapping[str, Any],
) -> MutableMapping[str, Any]:
    """Log an exception's types and stack, never its message.

    Messages can carry data: PostgreSQL reports the duplicate key's values, a library may
    quote its input. The stack and the exception types are enough to find the bug.
    """
    exc_info = event_dict.pop("exc_info", None)
    if exc_info is True:
        exc_info = sys.exc_info()
    elif isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    if not isinstance(exc_info, tuple) or exc_info[1] is None:
        return event_dict
    error: BaseException | None = exc_info[1]
    chain: list[str] = []
    while error is not None and len(chain) < MAX_CHAIN:
        kind = type(error)
        chain.append(f"{kind.__module__}.{kind.__qualname__}")
        error = error.__cause__ or error.__context__
    stack = "".join(traceback.format_tb(exc_info[2]))
    event_dict["exception"] = f"{' <- '.join(chain)} (message withheld)\n{stack}"
    return event_dict


def configure_logging(*, json: bool, level: str = "INFO") -> None:
    """Configure structlog and the standard library to write one line per event to stderr."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_personal_data,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            render_exception_safely,
            renderer,
        ],
    )
    handler = _StderrHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log prints raw paths with query strings, which may hold search
    # terms; our request middleware logs the route instead.
    logging.getLogger("uvicorn.access").disabled = True
    # /readyz asks Alembic for the revision on every probe; its chatter is not news.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a line is logged, not when configured."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        """Ignored: the stream is always the current standard error."""
