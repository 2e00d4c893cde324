"""audit chain: seq and hashes on audit_events, chain head, signed checkpoints, append-only

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 09:00:00.000000

Entries written before this revision are numbered in the order they happened and hashed
into the chain here, so a log that existed before verifies from its first entry.
On PostgreSQL, triggers refuse UPDATE, DELETE and TRUNCATE on the entries and checkpoints
and refuse to move the chain head backwards; SQLite has no owner to protect them from.
"""

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from jigsaw.audit.chain import GENESIS_HASH, entry_hash, timestamp_text, uuid_text

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NEW_COLUMNS = ("child_id", "basis", "basis_id", "ip_address", "user_agent")

APPEND_ONLY = """
CREATE FUNCTION jigsaw_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE FUNCTION jigsaw_audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR NEW.seq <= OLD.seq THEN
        RAISE EXCEPTION 'the audit chain head only moves forward: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
"""
TRIGGERS = {
    "audit_events": "jigsaw_audit_append_only",
    "audit_checkpoints": "jigsaw_audit_append_only",
    "audit_chain_head": "jigsaw_audit_head_forward_only",
}


def upgrade() -> None:
    _create_head_and_checkpoints()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", SEQ, nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("child_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("basis", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("basis_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("ip_address", sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column("user_agent", sa.String(length=300), nullable=True))

    seq, last_hash = _chain_existing_entries()
    op.execute(
        sa.text("INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, :seq, :hash)").bindparams(
            seq=seq, hash=last_hash
        )
    )

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=SEQ, nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint("pk_audit_events", type_="primary")
        batch_op.drop_column("id")
        batch_op.create_primary_key("pk_audit_events", ["seq"])
        batch_op.create_index("ix_audit_events_actor", ["actor_id", "seq"], unique=False)
        batch_op.create_index("ix_audit_events_child", ["child_id", "seq"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        _protect()


def _create_head_and_checkpoints() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", SEQ, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("seq", SEQ, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_checkpoints_seq"), ["seq"], unique=False)


def _protect() -> None:
    """Refuse to change history to every role; only the tables' owner can switch this off."""
    op.execute(APPEND_ONLY)
    for table, function in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {table}_protected BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION jigsaw_audit_append_only()"
        )


def _chain_existing_entries() -> tuple[int, str]:
    """Number and hash the entries already written, oldest first; return the new head."""
    bind = op.get_bind()
    rows = bind.exec_driver_sql(
        "SELECT id, occurred_at, actor_kind, actor_id, actor_purpose, organisation_id, action, "
        "subject_type, subject_id, request_id FROM audit_events ORDER BY occurred_at, id"
    ).all()
    updates: list[dict[str, Any]] = []
    prev_hash = GENESIS_HASH
    for seq, row in enumerate(rows, start=1):
        child_id = row.subject_id if row.subject_type == "child" else None
        digest = entry_hash(
            (seq, prev_hash, timestamp_text(row.occurred_at), row.actor_kind,
             uuid_text(row.actor_id), row.actor_purpose, uuid_text(row.organisation_id),
             row.action, row.subject_type, uuid_text(row.subject_id), uuid_text(child_id),
             None, None, row.request_id, None, None)
        )  # fmt: skip
        updates.append(
            {"key": row.id, "seq": seq, "prev": prev_hash, "hash": digest, "child": child_id}
        )
        prev_hash = digest
    if updates:
        # Raw values, unconverted, go back where they came from.
        bind.execute(
            sa.text(
                "UPDATE audit_events SET seq = :seq, prev_hash = :prev, hash = :hash, "
                "child_id = :child WHERE id = :key"
            ),
            updates,
        )
    return len(rows), prev_hash


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TRIGGERS:
            op.execute(f"DROP TRIGGER {table}_protected ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION jigsaw_audit_append_only()")
        op.execute("DROP FUNCTION jigsaw_audit_head_forward_only()")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_child")
        batch_op.drop_index("ix_audit_events_actor")
        batch_op.add_column(sa.Column("id", sa.Uuid(), nullable=True))
    events = sa.table("audit_events", sa.column("seq", SEQ), sa.column("id", sa.Uuid()))
    seqs = [row.seq for row in op.get_bind().execute(sa.select(events.c.seq))]
    if seqs:
        op.get_bind().execute(
            sa.update(events).where(events.c.seq == sa.bindparam("key")),
            [{"key": seq, "id": uuid.uuid4()} for seq in seqs],
        )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("id", existing_type=sa.Uuid(), nullable=False)
        batch_op.drop_constraint("pk_audit_events", type_="primary")
        batch_op.create_primary_key("pk_audit_events", ["id"])
        for column in ("seq", "prev_hash", "hash", *NEW_COLUMNS):
            batch_op.drop_column(column)

    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_checkpoints_seq"))
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_chain_head")
