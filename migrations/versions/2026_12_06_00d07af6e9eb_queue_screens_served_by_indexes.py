"""queue screens served by indexes

A unit's tickets by status, a channel's newest first, and the open tickets by reply
deadline (a partial index) for the queue's screens; the units' single-column indexes give
way to the ones with the status (their leading column serves the foreign keys' lookups).

Revision ID: 00d07af6e9eb
Revises: 74cadf8e4dc0
Create Date: 2026-12-06 20:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "00d07af6e9eb"
down_revision: str | None = "74cadf8e4dc0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app.tickets.models.OPEN_TICKETS_SQL was when this revision was made.
OPEN_TICKETS = "status IN ('dispatched', 'new', 'replied', 'returned', 'signed', 'suspended')"


def upgrade() -> None:
    # Plain CREATE and DROP INDEX on both databases: SQLite need not copy the ticket table
    # (which would drop the text search's triggers with it).
    op.create_index(
        "ix_ticket_open_reply_due_at",
        "ticket",
        ["reply_due_at", "id"],
        sqlite_where=sa.text(OPEN_TICKETS),
        postgresql_where=sa.text(OPEN_TICKETS),
    )
    op.create_index(
        "ix_ticket_assigned_department_id_status",
        "ticket",
        ["assigned_department_id", "status", "created_at"],
    )
    op.create_index(
        "ix_ticket_assigned_grid_id_status",
        "ticket",
        ["assigned_grid_id", "status", "created_at"],
    )
    op.create_index("ix_ticket_channel_created_at", "ticket", ["channel", "created_at"])
    op.drop_index("ix_ticket_assigned_department_id", table_name="ticket")
    op.drop_index("ix_ticket_assigned_grid_id", table_name="ticket")


def downgrade() -> None:
    op.create_index("ix_ticket_assigned_grid_id", "ticket", ["assigned_grid_id"])
    op.create_index("ix_ticket_assigned_department_id", "ticket", ["assigned_department_id"])
    op.drop_index("ix_ticket_channel_created_at", table_name="ticket")
    op.drop_index("ix_ticket_assigned_grid_id_status", table_name="ticket")
    op.drop_index("ix_ticket_assigned_department_id_status", table_name="ticket")
    op.drop_index("ix_ticket_open_reply_due_at", table_name="ticket")
