"""training spaces and scenarios

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-21 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "training_spaces",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scenario_key", sa.String(length=60), nullable=True),
        sa.Column("scenario", sa.JSON(), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("advanced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("advanced_by_id", sa.Uuid(), nullable=True),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["advanced_by_id"], ["users.id"], name=op.f("fk_training_spaces_advanced_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_spaces")),
        sa.UniqueConstraint("name", name=op.f("uq_training_spaces_name")),
    )


def downgrade() -> None:
    op.drop_table("training_spaces")
