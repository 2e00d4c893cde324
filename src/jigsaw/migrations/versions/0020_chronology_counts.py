"""the chronology's counts read from an index

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-21 23:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every column the chronology's counts and its reader's visibility read (events.queries
# ._tallies), so they are counted from the index without visiting a row.
COLUMNS = [
    "child_id", "match_state", "organisation_id", "category", "occurred_at", "recorded_at",
    "significant", "open_to_all", "id",
]  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("child_events", schema=None) as batch_op:
        batch_op.create_index("ix_child_events_counts", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("child_events", schema=None) as batch_op:
        batch_op.drop_index("ix_child_events_counts")
