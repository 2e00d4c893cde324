"""stories and their moderation; the indexes the anonymisation check looks names and dates up by

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-21 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_kind", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("title_sealed", sa.Text(), nullable=False),
        sa.Column("text_sealed", sa.Text(), nullable=False),
        sa.Column("note_sealed", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("times_submitted", sa.Integer(), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("moderated_by_id", sa.Uuid(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Uuid(), nullable=True),
        sa.Column("published_title", sa.String(length=200), nullable=True),
        sa.Column("published_text", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_stories_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["moderated_by_id"], ["users.id"], name=op.f("fk_stories_moderated_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_stories_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"], ["users.id"], name=op.f("fk_stories_withdrawn_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stories_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_stories_published", ["state", "published_at"], unique=False)
        batch_op.create_index("ix_stories_state", ["state", "submitted_at"], unique=False)

    op.create_table(
        "story_agencies",
        sa.Column("story_id", sa.Uuid(), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_story_agencies_story_id_stories")
        ),
        sa.PrimaryKeyConstraint("story_id", "agency", name=op.f("pk_story_agencies")),
    )
    with op.batch_alter_table("story_agencies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_story_agencies_agency"), ["agency"], unique=False)

    op.create_table(
        "story_themes",
        sa.Column("story_id", sa.Uuid(), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_story_themes_story_id_stories")
        ),
        sa.PrimaryKeyConstraint("story_id", "theme", name=op.f("pk_story_themes")),
    )
    with op.batch_alter_table("story_themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_story_themes_theme"), ["theme"], unique=False)

    with op.batch_alter_table("adults", schema=None) as batch_op:
        batch_op.create_index("ix_adults_date_of_birth", ["date_of_birth"], unique=False)
        batch_op.create_index("ix_adults_given_names", ["given_names"], unique=False)

    with op.batch_alter_table("child_names", schema=None) as batch_op:
        batch_op.create_index("ix_child_names_given_names", ["given_names"], unique=False)

    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.create_index("ix_children_date_of_birth", ["date_of_birth"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_index("ix_children_date_of_birth")

    with op.batch_alter_table("child_names", schema=None) as batch_op:
        batch_op.drop_index("ix_child_names_given_names")

    with op.batch_alter_table("adults", schema=None) as batch_op:
        batch_op.drop_index("ix_adults_given_names")
        batch_op.drop_index("ix_adults_date_of_birth")

    with op.batch_alter_table("story_themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_themes_theme"))

    op.drop_table("story_themes")
    with op.batch_alter_table("story_agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_agencies_agency"))

    op.drop_table("story_agencies")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_index("ix_stories_state")
        batch_op.drop_index("ix_stories_published")
        batch_op.drop_index(batch_op.f("ix_stories_author_id"))

    op.drop_table("stories")
