"""Drop the redundant index on ticket.channel

Revision ID: d41c7e0b5a63
Revises: 8b1d4e6f2a97
Create Date: 2026-11-23 22:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d41c7e0b5a63"
down_revision: str | None = "8b1d4e6f2a97"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The unique (channel, external_id) index leads with the channel and serves a filter
    # by channel; the second index only cost every intake one more B-tree to write.
    op.drop_index("ix_ticket_channel", table_name="ticket")


def downgrade() -> None:
    op.create_index("ix_ticket_channel", "ticket", ["channel"], unique=False)
