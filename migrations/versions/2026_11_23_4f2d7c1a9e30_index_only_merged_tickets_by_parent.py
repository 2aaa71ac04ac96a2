"""Index only merged tickets by their parent

Revision ID: 4f2d7c1a9e30
Revises: 009bab962ea5
Create Date: 2026-11-23 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4f2d7c1a9e30"
down_revision: str | None = "009bab962ea5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MERGED = sa.text("parent_id IS NOT NULL")


def upgrade() -> None:
    # The full index drew SQLite's planner to it for the duplicate search's
    # "parent_id IS NULL": a scan of every root ticket on each intake.
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_parent_id")
        batch_op.create_index(
            "ix_ticket_parent_id",
            ["parent_id"],
            unique=False,
            sqlite_where=MERGED,
            postgresql_where=MERGED,
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_parent_id")
        batch_op.create_index("ix_ticket_parent_id", ["parent_id"], unique=False)
