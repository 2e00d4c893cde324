"""Reads about the child index."""

from sqlalchemy import func, select

from jigsaw.children.models import Child
from jigsaw.core.uow import UnitOfWork


def count_children(uow: UnitOfWork) -> int:
    """How many children the index holds (a figure, not personal data)."""
    return uow.session.scalar(select(func.count()).select_from(Child)) or 0
