"""What the partnership holds, in figures: shown on the home page and by the API."""

from dataclasses import dataclass

from jigsaw import accounts, children, migrations
from jigsaw.core.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class PartnershipSummary:
    """Counts only; no personal data."""

    organisations: int
    practitioners: int
    children: int


def get_partnership_summary(uow: UnitOfWork) -> PartnershipSummary:
    """Count the organisations, people and children the partnership holds."""
    with uow:
        return PartnershipSummary(
            organisations=accounts.count_organisations(uow),
            practitioners=accounts.count_practitioners(uow),
            children=children.count_children(uow),
        )


def database_is_at_head(uow: UnitOfWork) -> bool:
    """Whether the database answers and its schema is at the newest migration."""
    with uow:
        return migrations.is_at_head(uow.session.connection())
