"""Who is asking: a browser session (pages) or a bearer token (API), and what they need.

Every route declares its permission with ``Requires(Permission.X)`` (or ``Requires()``
for any signed-in user), or says it is open with ``Public``. A meta-test checks that
no route forgets. The decision itself is ``access.policy``'s.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.accounts import SessionStage, User, UserSession
from jigsaw.accounts import services as accounts
from jigsaw.accounts.sessions import SessionRules
from jigsaw.config import Settings
from jigsaw.core.uow import UnitOfWork
from jigsaw.web.problems import is_api_request

SESSION_COOKIE = "jigsaw_session"

STAGE_PAGES = {
    SessionStage.NEEDS_TWO_FACTOR: "/sign-in/two-factor",
    SessionStage.NEEDS_ENROLMENT: "/sign-in/enrol",
    SessionStage.NEEDS_PASSWORD_CHANGE: "/sign-in/password",
}


class SignInRequired(Exception):
    """The page needs a signed-in user; the handler redirects to the right step."""

    def __init__(self, stage: SessionStage | None = None) -> None:
        super().__init__("sign-in required")
        self.stage = stage


class BearerRequired(Exception):
    """The API needs a valid bearer token (answered with 401)."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person behind a page request."""

    actor: Actor
    user: User
    session: UserSession


def session_rules(settings: Settings) -> SessionRules:
    """Session and lockout limits from the settings."""
    return SessionRules(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
        max_failures=settings.sign_in_max_failures,
        lockout=timedelta(minutes=settings.sign_in_lockout_minutes),
    )


def current_viewer(request: Request) -> Viewer | None:
    """The session behind the request's cookie, looked up once per request."""
    if "viewer" in request.state._state:
        cached: Viewer | None = request.state.viewer
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    found = None
    if token:
        uow = UnitOfWork(request.app.state.session_factory)
        found = accounts.session_user(uow, token, rules=request.app.state.session_rules)
    viewer = None
    if found is not None:
        row, user = found
        viewer = Viewer(actor=accounts.user_actor(user), user=user, session=row)
    request.state.viewer = viewer
    return viewer


class Requires:
    """A dependency that declares and enforces what a route needs; returns the actor."""

    def __init__(self, permission: Permission | None = None) -> None:
        self.permission = permission

    def __call__(self, request: Request) -> Actor:
        """Find the actor (token for the API, session for pages) and check the permission."""
        actor = _api_actor(request) if is_api_request(request.url.path) else _page_actor(request)
        if self.permission is not None:
            policy.require(actor, self.permission)
        return actor


def _api_actor(request: Request) -> Actor:
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret:
        raise BearerRequired
    actor = accounts.token_actor(UnitOfWork(request.app.state.session_factory), secret.strip())
    if actor is None:
        raise BearerRequired
    return actor


def _page_actor(request: Request) -> Actor:
    viewer = current_viewer(request)
    if viewer is None:
        raise SignInRequired
    if viewer.session.stage is not SessionStage.SIGNED_IN:
        raise SignInRequired(viewer.session.stage)
    return viewer.actor


async def public() -> None:
    """Marks a route anyone may reach (home, health, sign-in, static documentation)."""


Public = Depends(public)
SignedIn = Annotated[Actor, Depends(Requires())]
