"""Typed request dependencies: one unit of work per request, the templates.

They are ``async``: none waits on anything, and a plain function dependency would be run
on the thread pool, one hand-over there and back for each on every request.
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from jigsaw.accounts.sessions import SessionRules
from jigsaw.core.uow import UnitOfWork


async def get_uow(request: Request) -> UnitOfWork:
    """A fresh unit of work on the app's database; services open and commit it."""
    return UnitOfWork(request.app.state.session_factory)


async def get_templates(request: Request) -> Jinja2Templates:
    """The app's template renderer."""
    templates: Jinja2Templates = request.app.state.templates
    return templates


async def get_session_rules(request: Request) -> SessionRules:
    """How long sessions last and when sign-in locks, from the app's settings."""
    rules: SessionRules = request.app.state.session_rules
    return rules


async def get_secret_key(request: Request) -> str:
    """The deployment's secret key (signs forms and cookies, seals stored secrets)."""
    key: str = request.app.state.secret_key
    return key


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
RulesDep = Annotated[SessionRules, Depends(get_session_rules)]
SecretKeyDep = Annotated[str, Depends(get_secret_key)]
