"""the glossary: terms, their versions

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-21 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "glossary_versions",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("made_by_id", sa.Uuid(), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["made_by_id"], ["users.id"], name=op.f("fk_glossary_versions_made_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_glossary_versions")),
        sa.UniqueConstraint("number", name=op.f("uq_glossary_versions_number")),
    )
    op.create_table(
        "glossary_terms",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("term", sa.String(length=120), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("forms", sa.JSON(), nullable=False),
        sa.Column("exact_forms", sa.JSON(), nullable=False),
        sa.Column("used_by", sa.JSON(), nullable=False),
        sa.Column("synonyms", sa.JSON(), nullable=False),
        sa.Column("nearest", sa.JSON(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("changed_in", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_glossary_terms")),
        sa.UniqueConstraint("key", name=op.f("uq_glossary_terms_key")),
    )
    op.create_table(
        "glossary_revisions",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["glossary_versions.id"],
            name=op.f("fk_glossary_revisions_version_id_glossary_versions"),
        ),
        sa.PrimaryKeyConstraint("version_id", "key", name=op.f("pk_glossary_revisions")),
    )
    with op.batch_alter_table("glossary_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_glossary_revisions_key"), ["key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("glossary_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_glossary_revisions_key"))
    op.drop_table("glossary_revisions")
    op.drop_table("glossary_terms")
    op.drop_table("glossary_versions")
