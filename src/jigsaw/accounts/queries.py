"""Reads about organisations and users."""

from sqlalchemy import func, select

from jigsaw.accounts.models import Organisation, User
from jigsaw.core.uow import UnitOfWork


def count_organisations(uow: UnitOfWork) -> int:
    """How many organisations are in the partnership."""
    return uow.session.scalar(select(func.count()).select_from(Organisation)) or 0


def count_practitioners(uow: UnitOfWork) -> int:
    """How many active users can sign in."""
    query = select(func.count()).select_from(User).where(User.is_active.is_(True))
    return uow.session.scalar(query) or 0
