"""event feed: commit-ordered places for the timeline

Each timeline row gets its place in the event feed once it has committed
(app/events/service.py); the feed's counter holds the last place given. Rows already
written take their id as their place: they all committed long ago.

Revision ID: afdcc422b59d
Revises: dc8091680280
Create Date: 2026-12-06 20:09:28.754127
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "afdcc422b59d"
down_revision: str | None = "dc8091680280"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSEQUENCED = sa.text("feed_position IS NULL")


def upgrade() -> None:
    event_feed = op.create_table(
        "event_feed",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("last_position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_event_feed")),
    )
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_position", sa.BigInteger(), nullable=True))
    op.execute("UPDATE ticket_event SET feed_position = id")
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_event_feed_position", ["feed_position"], unique=True)
        batch_op.create_index(
            "ix_ticket_event_unsequenced",
            ["id"],
            unique=False,
            sqlite_where=UNSEQUENCED,
            postgresql_where=UNSEQUENCED,
        )
    last = op.get_bind().execute(sa.text("SELECT coalesce(max(id), 0) FROM ticket_event"))
    op.bulk_insert(event_feed, [{"name": "events", "last_position": last.scalar_one()}])


def downgrade() -> None:
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_ticket_event_unsequenced", sqlite_where=UNSEQUENCED, postgresql_where=UNSEQUENCED
        )
        batch_op.drop_index("ix_ticket_event_feed_position")
        batch_op.drop_column("feed_position")
    op.drop_table("event_feed")
