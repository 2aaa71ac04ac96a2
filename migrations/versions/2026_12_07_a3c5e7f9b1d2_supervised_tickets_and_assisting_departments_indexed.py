"""supervised tickets indexed newest first; the tickets a department assists in

The queue's `supervised` screen walked every ticket newest first for the one in fifty under
supervision (a unit's own: one in a thousand, 50,000 tickets read for a page). A partial
index holds the supervised ones only: a ticket taken in costs it nothing, as none is
supervised at intake. A department's staff see the tickets it assists in: they are read
once for each page of their queue, from an index by department rather than every row of
`ticket_assisting_unit`.

Revision ID: a3c5e7f9b1d2
Revises: 5e0a7d3c9b12
Create Date: 2026-12-07 07:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a3c5e7f9b1d2"
down_revision: str | None = "5e0a7d3c9b12"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As the queue's filter is written on each database (SQLAlchemy's `is_(True)`): SQLite takes
# a partial index only for a query holding its WHERE term as written.
SQLITE_SUPERVISED = sa.text("is_supervised IS 1")
POSTGRES_SUPERVISED = sa.text("is_supervised IS true")


def upgrade() -> None:
    op.create_index(
        "ix_ticket_supervised_created_at",
        "ticket",
        ["created_at", "id"],
        sqlite_where=SQLITE_SUPERVISED,
        postgresql_where=POSTGRES_SUPERVISED,
    )
    op.create_index(
        "ix_ticket_assisting_unit_department_id",
        "ticket_assisting_unit",
        ["department_id", "ticket_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_assisting_unit_department_id", table_name="ticket_assisting_unit")
    op.drop_index("ix_ticket_supervised_created_at", table_name="ticket")
