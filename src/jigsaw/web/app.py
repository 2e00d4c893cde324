"""The application factory: one FastAPI app serving pages and the JSON API."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from jigsaw import __version__
from jigsaw.access import policy
from jigsaw.access.permissions import Permission
from jigsaw.accounts import admin_routes, sso_routes
from jigsaw.accounts import routes as account_routes
from jigsaw.alerts import routes as alert_routes
from jigsaw.children import routes as children_routes
from jigsaw.config import Settings, get_settings
from jigsaw.consultations import routes as consultation_routes
from jigsaw.core import encryption
from jigsaw.core.db import make_engine, make_session_factory
from jigsaw.core.errors import Conflict, Invalid, JigsawError, NotFound, PermissionDenied
from jigsaw.core.logging import configure_logging
from jigsaw.core.uow import UnitOfWork
from jigsaw.events import routes as event_routes
from jigsaw.glossary import routes as glossary_routes
from jigsaw.guidance.library import FlowLibrary
from jigsaw.jobs import JOBS, Worker
from jigsaw.linking import routes as linking_routes
from jigsaw.mash import routes as mash_routes
from jigsaw.measures import routes as measures_routes
from jigsaw.notifications import routes as notification_routes
from jigsaw.privacy import routes as privacy_routes
from jigsaw.sharing import routes as sharing_routes
from jigsaw.stories import routes as story_routes
from jigsaw.training import get_training_mark
from jigsaw.training import routes as training_routes
from jigsaw.web import routes
from jigsaw.web.auth import (
    STAGE_PAGES,
    BearerRequired,
    SignInRequired,
    current_viewer,
    session_rules,
)
from jigsaw.web.csrf import CsrfFailed
from jigsaw.web.middleware import RequestContextMiddleware
from jigsaw.web.problems import error_page, is_api_request, problem
from jigsaw.web.templating import STATIC_DIR, make_templates

API_DESCRIPTION = """The JSON API for agency systems: the same services the pages use.

Errors are problem details (RFC 9457, `application/problem+json`)."""

ROUTERS = (
    routes.pages,
    routes.api,
    account_routes.router,
    sso_routes.router,
    admin_routes.router,
    children_routes.pages,
    children_routes.api,
    privacy_routes.pages,
    privacy_routes.api,
    linking_routes.pages,
    linking_routes.api,
    notification_routes.pages,
    sharing_routes.pages,
    mash_routes.pages,
    mash_routes.api,
    measures_routes.pages,
    measures_routes.api,
    consultation_routes.pages,
    consultation_routes.api,
    event_routes.pages,
    event_routes.api,
    alert_routes.pages,
    alert_routes.api,
    glossary_routes.pages,
    glossary_routes.api,
    story_routes.pages,
    story_routes.api,
    training_routes.pages,
    training_routes.api,
    sharing_routes.api,
)

EXPIRED_FORM = {
    "heading": "This form has expired",
    "message": "Nothing was saved. Go back, refresh the page and try again.",
}

STATUS_FOR_ERROR: dict[type[JigsawError], int] = {
    NotFound: 404,
    PermissionDenied: 403,
    Invalid: 422,
    Conflict: 409,
}


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    session_factory: sessionmaker[Session] | None = None,
) -> FastAPI:
    """Build the app; tests pass their own settings, engine and session factory."""
    settings = settings or get_settings()
    configure_logging(json=settings.logs_as_json, level=settings.log_level)
    encryption.install(encryption.keyring_from_settings(settings))
    owns_engine = engine is None
    engine = engine or make_engine(settings.sqlalchemy_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = None
        if settings.jobs_in_process:
            _thread, stop = Worker(JOBS, app.state.session_factory, settings).start_in_background()
        yield
        if stop is not None:
            stop.set()
        if owns_engine:
            engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Jigsaw API",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory or make_session_factory(app.state.engine)
    app.state.templates = make_templates(settings)
    # A training space says so on every page (issue 8): its mark is read once, at start-up.
    app.state.training = get_training_mark(
        UnitOfWork(app.state.session_factory), configured=settings.training_space
    )
    app.state.templates.env.globals["training"] = app.state.training
    app.state.secret_key = settings.secret("secret_key")
    app.state.session_rules = session_rules(settings)
    # The deployment's own flows in <data dir>/guidance replace or add to the packaged ones.
    app.state.guidance = FlowLibrary.load(settings.data_dir / "guidance")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _add_error_handlers(app)

    def render_error(request: Request, status: int, request_id: str) -> Response:
        return _error_response(request, status, request_id=request_id)

    app.add_middleware(RequestContextMiddleware, render_error=render_error)
    return app


def _error_response(
    request: Request, status: int, *, request_id: str | None = None, **extra: Any
) -> Response:
    if is_api_request(request.url.path):
        return problem(status, request_id=request_id, **extra)
    context = {"break_glass_url": _break_glass_url(request) if status == 404 else None}  # noqa: PLR2004
    return error_page(request.app.state.templates, request, status, request_id, context)


def _break_glass_url(request: Request) -> str | None:
    """On a child's page that says "not found", where to ask for emergency access.

    Shown whether or not the child exists, so it reveals nothing.
    """
    route = request.scope.get("route")
    if getattr(route, "path", None) != "/children/{child_id}":
        return None
    viewer = current_viewer(request)
    if viewer is None or not policy.can(viewer.actor, Permission.BREAK_GLASS_REQUEST):
        return None
    return f"/children/{request.path_params['child_id']}/break-glass"


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)  # noqa: S101 - narrows the type
    if exc.stage is not None:
        return RedirectResponse(STAGE_PAGES[exc.stage], status_code=303)
    # The path only (ids, never a query string that could hold search terms).
    return RedirectResponse(
        f"/sign-in?{urlencode({'next': request.url.path}, safe='/')}", status_code=303
    )


async def _bearer_required(request: Request, exc: Exception) -> Response:  # noqa: ARG001
    response = problem(401, detail="Send a valid API token: Authorization: Bearer <token>.")
    response.headers["WWW-Authenticate"] = 'Bearer realm="jigsaw"'
    return response


async def _csrf_failed(request: Request, exc: Exception) -> Response:  # noqa: ARG001
    return error_page(request.app.state.templates, request, 400, None, EXPIRED_FORM)


def _add_error_handlers(app: FastAPI) -> None:
    async def domain_error(request: Request, exc: Exception) -> Response:
        status = next(
            (code for kind, code in STATUS_FOR_ERROR.items() if isinstance(exc, kind)), 500
        )
        extra: dict[str, Any] = {"errors": exc.errors} if isinstance(exc, Invalid) else {}
        if isinstance(exc, Conflict):  # names a state and a step, never a person (core.errors)
            extra["detail"] = str(exc)
        return _error_response(request, status, **extra)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - narrows the type
        response = _error_response(request, exc.status_code)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)  # noqa: S101 - narrows the type
        # Only where and what; never the submitted value, which may be personal data.
        errors = [
            {"location": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
            for error in exc.errors()
        ]
        if not is_api_request(request.url.path) and any(
            e["loc"][0] == "path" for e in exc.errors()
        ):
            return _error_response(request, 404)  # a malformed id in a page address
        return _error_response(request, 422, errors=errors)

    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(BearerRequired, _bearer_required)
    app.add_exception_handler(CsrfFailed, _csrf_failed)
    for error_type in STATUS_FOR_ERROR:
        app.add_exception_handler(error_type, domain_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
