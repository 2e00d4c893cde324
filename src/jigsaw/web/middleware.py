"""The outermost layer of every request: request id, log line, security headers, last-resort 500.

Written as plain ASGI so it also wraps responses produced by error handlers.
"""

import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jigsaw.core.context import RequestContext, set_current_request

log = structlog.get_logger("jigsaw.web")

REQUEST_ID_HEADER = "X-Request-ID"
USER_AGENT_LIMIT = 300
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"

ErrorRenderer = Callable[[Request, int, str], Response]


class RequestContextMiddleware:
    """Gives each request an id, logs its outcome, adds security headers, catches crashes."""

    def __init__(self, app: ASGIApp, *, render_error: ErrorRenderer) -> None:
        self.app = app
        self.render_error = render_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope)
        request_id = _request_id(incoming.get(REQUEST_ID_HEADER))
        structlog.contextvars.bind_contextvars(request_id=request_id)
        client = scope.get("client")
        set_current_request(
            RequestContext(
                request_id=request_id,
                ip=client[0] if client else None,
                user_agent=(incoming.get("user-agent") or "")[:USER_AGENT_LIMIT] or None,
            )
        )
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = MutableHeaders(scope=message)
                _add_headers(scope, headers, request_id)
                # Cookies a dependency asked for (the CSRF cookie) on whatever response.
                for cookie in scope.get("state", {}).get("set_cookies", []):
                    headers.append("set-cookie", cookie)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("request.failed", method=scope["method"], route=_route(scope))
            if response_started:
                raise
            response = self.render_error(Request(scope), 500, request_id)
            await response(scope, receive, send_with_headers)
        finally:
            log.info(
                "request.completed",
                method=scope["method"],
                route=_route(scope),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
            structlog.contextvars.unbind_contextvars("request_id")
            set_current_request(None)


def _request_id(incoming: str | None) -> str:
    """Keep a well-formed id from a proxy so lines join up across systems; else make one."""
    if incoming and _REQUEST_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def _route(scope: Scope) -> str:
    """The route template (``/children/{child_id}``), never the raw path or query string."""
    route: Any = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


def _add_headers(scope: Scope, headers: MutableHeaders, request_id: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    headers[REQUEST_ID_HEADER] = request_id
    if scope.get("scheme") == "https":
        headers["Strict-Transport-Security"] = HSTS
    if not scope["path"].startswith("/static/"):
        # Pages show information about children: no shared or browser caches.
        headers.setdefault("Cache-Control", "no-store")
