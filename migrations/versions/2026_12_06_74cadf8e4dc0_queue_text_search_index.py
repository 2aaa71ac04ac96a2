"""queue text search index

The agent's summary of a call becomes a ticket column, and the queue's text search gets
its index (app/tickets/search.py): on SQLite an FTS5 trigram table kept in step by
triggers, on PostgreSQL a pg_trgm GIN index. Both are built here for the tickets already
there.

Revision ID: 74cadf8e4dc0
Revises: f9aae20e3e17
Create Date: 2026-12-06 20:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.tickets import search

revision: str = "74cadf8e4dc0"
down_revision: str | None = "f9aae20e3e17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: SQLite need not copy the ticket table.
    op.add_column("ticket", sa.Column("agent_summary", sa.Text(), nullable=True))
    # The table as first made, with FTS5's defaults (03dbf933bd01 makes it leaner).
    search.create_index(op.get_bind(), sqlite_options="", sqlite_merges={})


def downgrade() -> None:
    search.drop_index(op.get_bind())
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("agent_summary")
