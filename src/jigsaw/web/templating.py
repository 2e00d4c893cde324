"""Jinja2 set-up shared by every page: autoescaping, the static() helper, common globals."""

from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment as JinjaEnvironment
from jinja2 import FileSystemLoader, StrictUndefined

from jigsaw import __version__
from jigsaw.config import Environment, Settings

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

ENVIRONMENT_LABELS = {Environment.DEVELOPMENT: "Development", Environment.PRODUCTION: ""}


def static_url(path: str) -> str:
    """The URL of a static file, with the version so browsers refetch after an upgrade."""
    return f"/static/{path}?v={__version__}"


def make_templates(settings: Settings) -> Jinja2Templates:
    """The template renderer for one app instance."""
    env = JinjaEnvironment(
        loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined
    )
    env.globals.update(
        static=static_url,
        version=__version__,
        environment_label=ENVIRONMENT_LABELS[settings.environment],
    )
    return Jinja2Templates(env=env)
