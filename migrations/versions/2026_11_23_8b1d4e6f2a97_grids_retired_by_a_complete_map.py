"""Grids retired by a complete map

Revision ID: 8b1d4e6f2a97
Revises: c3e8a51f7d24
Create Date: 2026-11-23 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "8b1d4e6f2a97"
down_revision: str | None = "c3e8a51f7d24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("grid", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("retired_at", app.db.UtcDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("grid_map_version", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("grids_retired", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("grid_map_version", schema=None) as batch_op:
        batch_op.drop_column("grids_retired")
    with op.batch_alter_table("grid", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
