"""ticket numbers from a sequence

Revision ID: 69a7e26a1dbe
Revises: b00ab5653d14
Create Date: 2026-11-23 02:02:46.927256
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "69a7e26a1dbe"
down_revision: str | None = "b00ab5653d14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The numeric part of existing ticket numbers ("20261123-000042" -> 42).
SUFFIX = "CAST(substr(number, 10) AS INTEGER)"


def upgrade() -> None:
    op.drop_table("ticket_number_counter")
    op.create_table(
        "ticket_number_counter",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_ticket_number_counter")),
    )
    # Numbers go on from the highest one given out so far, never reusing one.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE ticket_number_seq START 1")
        op.execute(
            f"SELECT setval('ticket_number_seq', max({SUFFIX})) FROM ticket HAVING count(*) > 0"
        )
    else:
        op.execute(
            f"INSERT INTO ticket_number_counter (name, last_value) "
            f"SELECT 'ticket', max({SUFFIX}) FROM ticket HAVING count(*) > 0"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE ticket_number_seq")
    op.drop_table("ticket_number_counter")
    op.create_table(
        "ticket_number_counter",
        sa.Column("day", sa.String(length=8), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_ticket_number_counter")),
    )
    op.execute(
        f"INSERT INTO ticket_number_counter (day, last_value) "
        f"SELECT substr(number, 1, 8), max({SUFFIX}) FROM ticket GROUP BY substr(number, 1, 8)"
    )
