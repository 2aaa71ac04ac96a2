"""integration keys rotate with a grace period

Revision ID: 54d79091656f
Revises: 79cc43a9f41c
Create Date: 2026-12-06 20:22:30.805396
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "54d79091656f"
down_revision: str | None = "79cc43a9f41c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("integration_client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_key_prefix", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("previous_key_hash", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column("previous_key_expires_at", app.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("previous_key_last_used_at", app.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("rotated_at", app.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_integration_client_previous_key_prefix"), ["previous_key_prefix"]
        )


def downgrade() -> None:
    with op.batch_alter_table("integration_client", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_integration_client_previous_key_prefix"), type_="unique"
        )
        batch_op.drop_column("rotated_at")
        batch_op.drop_column("previous_key_last_used_at")
        batch_op.drop_column("previous_key_expires_at")
        batch_op.drop_column("previous_key_hash")
        batch_op.drop_column("previous_key_prefix")
