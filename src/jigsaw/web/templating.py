"""Jinja2 set-up shared by every page: autoescaping, the static() helper, common globals."""

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment as JinjaEnvironment
from jinja2 import FileSystemLoader, StrictUndefined

from jigsaw import __version__
from jigsaw.access import policy
from jigsaw.access.permissions import Permission
from jigsaw.config import Environment, Settings
from jigsaw.core.uow import UnitOfWork
from jigsaw.glossary.views import reading_context
from jigsaw.notifications import count_unread_notifications
from jigsaw.privacy.services import count_break_glass_waiting
from jigsaw.web.auth import current_viewer
from jigsaw.web.csrf import page_token

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

LONDON = ZoneInfo("Europe/London")
ENVIRONMENT_LABELS = {Environment.DEVELOPMENT: "Development", Environment.PRODUCTION: ""}


def static_url(path: str) -> str:
    """The URL of a static file, with the version so browsers refetch after an upgrade."""
    return f"/static/{path}?v={__version__}"


def london_time(value: datetime | None) -> str:
    """A moment as people in England read it: "21 November 2026, 14:05"."""
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime("%-d %B %Y, %H:%M")


def make_templates(settings: Settings) -> Jinja2Templates:
    """The template renderer for one app instance."""
    env = JinjaEnvironment(
        loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined
    )
    env.filters["london"] = london_time
    env.globals.update(
        static=static_url,
        version=__version__,
        environment_label=ENVIRONMENT_LABELS[settings.environment],
    )
    return Jinja2Templates(env=env, context_processors=[page_context, reading_context])


# The service navigation: (label, path, permission needed; None for any signed-in user).
NAVIGATION = (
    ("Find a child", "/children/search", Permission.CHILD_READ),
    ("My shares", "/my-shares", Permission.CONCERN_RAISE),
    ("Shared with us", "/shared-with-us", Permission.CONCERN_RECEIVE),
    ("Alerts", "/alerts", Permission.ALERT_WORK),
    ("MASH queue", "/mash", Permission.CONTACT_SCREEN),
    ("Consultation line", "/consultation-line", Permission.CONSULTATION_ADVISE),
    ("Talk it through", "/consultations", Permission.CONSULTATION_REQUEST),
    ("Rosters", "/rosters", Permission.ROSTER_LINK),
    ("Training", "/training", Permission.TRAINING_FACILITATE),
    ("Glossary", "/glossary", Permission.GLOSSARY_READ),
    ("Stories", "/stories", Permission.STORY_READ),
    ("Notifications", "/notifications", None),
    ("Account", "/account", None),
    ("Users", "/admin/users", Permission.USER_MANAGE),
    ("Risk scale", "/risk-scale", Permission.USER_MANAGE),
    ("Organisations", "/admin/organisations", Permission.ORGANISATION_MANAGE),
    ("Break-glass reviews", "/privacy/break-glass", Permission.BREAK_GLASS_REVIEW),
)


def page_context(request: Request) -> dict[str, Any]:
    """What every page needs: the form token, who is signed in, where they can go."""
    viewer = current_viewer(request)
    signed_in = viewer is not None and viewer.session.stage == "signed_in"
    navigation = []
    if viewer is not None and signed_in:
        waiting = count_break_glass_waiting(
            UnitOfWork(request.app.state.session_factory), viewer.actor
        )
        # One COUNT on an index per page; shown only when something is unread.
        unread = count_unread_notifications(
            UnitOfWork(request.app.state.session_factory), viewer.actor
        )
        counts = {
            "/privacy/break-glass": f" ({waiting})",
            "/notifications": f" ({unread})" if unread else "",
        }
        navigation = [
            {
                "label": label + counts.get(href, ""),
                "href": href,
                "current": request.url.path.startswith(href),
            }
            for label, href, permission in NAVIGATION
            if permission is None or policy.can(viewer.actor, permission)
        ]
    return {
        "csrf_token": page_token(request),
        "viewer": viewer.user if viewer and signed_in else None,
        "navigation": navigation,
    }
