"""Cross-site request forgery protection for every page form (signed double submit).

The browser holds a random cookie; each form carries an HMAC of it under the secret
key. A forged cross-site form cannot read the cookie, so cannot compute the token.
The API takes bearer tokens only, never cookies, so needs no such check.
"""

import hashlib
import hmac
import secrets

from fastapi import Request

from jigsaw.core.errors import PermissionDenied

CSRF_COOKIE = "jigsaw_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(PermissionDenied):
    """A state-changing form arrived without a valid token (expired page, or forgery)."""


def _token_for(cookie: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), cookie.encode(), hashlib.sha256).hexdigest()


async def csrf_protect(request: Request) -> None:
    """Give the page its token; refuse state-changing requests without a valid one."""
    secret_key: str = request.app.state.secret_key
    cookie = request.cookies.get(CSRF_COOKIE)
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER)
        if sent is None:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        if not cookie or not sent or not hmac.compare_digest(sent, _token_for(cookie, secret_key)):
            raise CsrfFailed("form token missing or wrong")
    if not cookie:
        cookie = secrets.token_urlsafe(32)
        request.state.set_cookies = [
            *getattr(request.state, "set_cookies", []),
            _cookie(cookie, request),
        ]
    request.state.csrf_token = _token_for(cookie, secret_key)


def _cookie(value: str, request: Request) -> str:
    secure = "; Secure" if request.url.scheme == "https" else ""
    return f"{CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict{secure}"


def page_token(request: Request) -> str:
    """The token for forms on this page (also on error pages, which skip the dependency)."""
    token = getattr(request.state, "csrf_token", None)
    if token:
        return str(token)
    cookie = request.cookies.get(CSRF_COOKIE)
    return _token_for(cookie, request.app.state.secret_key) if cookie else ""
