"""Duplicate search: texts kept normalised, a category's tickets by time

Revision ID: 009bab962ea5
Revises: 76a96d848b87
Create Date: 2026-11-23 08:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.dedup.similarity import text_for_matching

revision: str = "009bab962ea5"
down_revision: str | None = "76a96d848b87"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH_ROWS = 10_000


def upgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("match_text", sa.Text(), nullable=True))
    _fill_match_texts()
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.alter_column("match_text", existing_type=sa.Text(), nullable=False)
        batch_op.drop_index("ix_ticket_category_id")
        batch_op.create_index(
            "ix_ticket_category_id_created_at", ["category_id", "created_at"], unique=False
        )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite made the column NOT NULL by copying the table, which leaves the copy without
        # the planner's statistics; without them the duplicate search would not use its index.
        op.execute("ANALYZE ticket")


def _fill_match_texts() -> None:
    """Tickets taken in before get their text worked out now, a batch at a time."""
    ticket = sa.table(
        "ticket",
        sa.column("id"),
        sa.column("title"),
        sa.column("description"),
        sa.column("match_text"),
    )
    connection = op.get_bind()
    fill = (
        ticket.update()
        .where(ticket.c.id == sa.bindparam("ticket_id"))
        .values(match_text=sa.bindparam("text"))
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(ticket.c.id, ticket.c.title, ticket.c.description)
            .where(ticket.c.id > last_id)
            .order_by(ticket.c.id)
            .limit(BATCH_ROWS)
        ).all()
        if not rows:
            return
        connection.execute(
            fill,
            [
                {"ticket_id": row.id, "text": text_for_matching(row.title, row.description)}
                for row in rows
            ],
        )
        last_id = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_category_id_created_at")
        batch_op.create_index("ix_ticket_category_id", ["category_id"], unique=False)
        batch_op.drop_column("match_text")
