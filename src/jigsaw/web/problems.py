"""Errors as users and systems see them: GOV.UK error pages and RFC 9457 problem details.

Neither ever carries the request path, a query string or exception text: those can hold
personal data. A request id lets support find the log line.
"""

from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates

PROBLEM_JSON = "application/problem+json"

PAGE_MESSAGES = {
    HTTPStatus.NOT_FOUND: (
        "Page not found",
        "If you typed the web address, check it is correct. If you followed a link to a "
        "record, it may not exist or you may not have access to it.",
    ),
    HTTPStatus.FORBIDDEN: (
        "You cannot do this",
        "Your role does not allow this action. Ask your organisation's Jigsaw admin if you "
        "think you need it.",
    ),
    HTTPStatus.INTERNAL_SERVER_ERROR: (
        "Sorry, there is a problem with the service",
        "Nothing you entered has been shared. Try again later. If it keeps happening, "
        "contact your IT service desk and give them the reference below.",
    ),
}


def is_api_request(path: str) -> bool:
    """Whether a request is for the JSON API, which answers in problem details."""
    return path == "/api" or path.startswith("/api/")


def problem(
    status: int, *, detail: str | None = None, request_id: str | None = None, **extra: Any
) -> JSONResponse:
    """An ``application/problem+json`` response (RFC 9457)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if request_id:
        body["request_id"] = request_id
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def error_page(
    templates: Jinja2Templates,
    request: Request,
    status: int,
    request_id: str | None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """A GOV.UK-style error page that says what to do next and nothing about the request."""
    extra = dict(extra or {})  # a copy: the caller's dict (EXPIRED_FORM) is shared
    heading, message = PAGE_MESSAGES.get(
        HTTPStatus(status), (HTTPStatus(status).phrase, "Go back and try again.")
    )
    heading, message = extra.pop("heading", heading), extra.pop("message", message)
    return templates.TemplateResponse(
        request,
        "errors/error.html",
        {
            "status_code": status,
            "heading": heading,
            "message": message,
            "request_id": request_id,
            "break_glass_url": None,
            **extra,
        },
        status_code=status,
    )
