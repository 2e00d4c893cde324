"""the challenges waiting for review read by index

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-21 23:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Partial: the few challenges not yet reviewed (mash.challenges.waiting, on every queue view).
# A plain index on the status is no use to SQLite: after ANALYZE it scans past it.
WAITING = "status = 'challenged' AND challenge_reviewed_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("mash_feedback", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mash_feedback_challenged", ["answered_at"], unique=False,
            sqlite_where=sa.text(WAITING), postgresql_where=sa.text(WAITING),
        )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("mash_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_mash_feedback_challenged")
