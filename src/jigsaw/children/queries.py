"""Reads about the child index, always through ``access_child``."""

import uuid

from sqlalchemy import func, select

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.policy import ChildAccess
from jigsaw.children.models import Child
from jigsaw.core import clock
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork


def count_children(uow: UnitOfWork) -> int:
    """How many children the index holds (a figure, not personal data)."""
    return uow.session.scalar(select(func.count()).select_from(Child)) or 0


def access_child(uow: UnitOfWork, actor: Actor, child_id: uuid.UUID) -> tuple[Child, ChildAccess]:
    """Fetch a child the actor may reach, with the basis; missing and forbidden are one NotFound.

    Raises:
        NotFound: no such child, or no basis for this actor to reach them.
    """
    child = uow.session.get(Child, child_id)
    if child is None:
        raise NotFound("child")
    access = policy.child_access(uow.session, actor, child_id, now=clock.now())
    if access is None:
        raise NotFound("child")
    return child, access
