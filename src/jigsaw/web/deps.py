"""Typed request dependencies: one unit of work per request, the templates."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from jigsaw.core.uow import UnitOfWork


def get_uow(request: Request) -> UnitOfWork:
    """A fresh unit of work on the app's database; services open and commit it."""
    return UnitOfWork(request.app.state.session_factory)


def get_templates(request: Request) -> Jinja2Templates:
    """The app's template renderer."""
    templates: Jinja2Templates = request.app.state.templates
    return templates


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
