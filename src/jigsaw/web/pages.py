"""Small helpers every page route uses: render, redirect, set the session cookie."""

from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jigsaw.web.auth import SESSION_COOKIE


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """Render a page template."""
    context = {"errors": {}, **(context or {})}
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status
    )
    return response


def redirect(url: str) -> RedirectResponse:
    """See-other redirect after a form (so refreshing does not resubmit)."""
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go on to after sign-in; anything else (other sites) goes home."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """Give the browser its (rotated) session token; HttpOnly, never readable by script."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    """Remove the session token from the browser."""
    response.delete_cookie(SESSION_COOKIE, path="/")
