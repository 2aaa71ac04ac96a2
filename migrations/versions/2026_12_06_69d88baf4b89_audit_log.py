"""audit log: one append-only row per administrative change

Revision ID: 69d88baf4b89
Revises: d41c7e0b5a63
Create Date: 2026-12-06 20:00:30.761602
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db

revision: str = "69d88baf4b89"
down_revision: str | None = "d41c7e0b5a63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_ref", sa.String(length=100), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_code", sa.String(length=200), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_entry_actor_name_created_at", ["actor_name", "created_at"], unique=False
        )
        batch_op.create_index("ix_audit_entry_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index(
            "ix_audit_entry_kind_object_code", ["kind", "object_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_kind_object_code")
        batch_op.drop_index("ix_audit_entry_created_at_id")
        batch_op.drop_index("ix_audit_entry_actor_name_created_at")

    op.drop_table("audit_entry")
