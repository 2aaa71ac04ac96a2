"""rollups per unit by day and by month, kept by following the event feed

Reports by unit and rankings read `stat_unit_day` and `stat_unit_month` (the counts of
`stat_day` summed per unit), filled here from `stat_day`. The rollups are now counted by
a follower of the event feed (app/stats/follower.py) from the place in `stat_progress`:
until now they were counted as each row was written, so the committed rows still waiting
for their place are given theirs here (as the sequencer would) and the follower starts at
the feed's head, where everything before is counted.

Revision ID: 5e0a7d3c9b12
Revises: fb9e0a0ef31a
Create Date: 2026-12-07 02:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e0a7d3c9b12"
down_revision: str | None = "fb9e0a0ef31a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The counters of the rollups as they stood at this revision (app/stats/tally.py COUNTERS).
COUNTERS = (
    "received",
    "answered_at_once",
    "repeat_contacts",
    "assigned",
    "responded",
    "returned",
    "transferred",
    "replied",
    "replied_on_time",
    "reopened",
    "extended",
    "breached",
    "visited",
    "solved",
    "satisfied",
    "basically_satisfied",
    "evaluated",
    "handled",
    *(f"h{index}" for index in range(12)),
)


def _unit_table(name: str, period: str) -> None:
    op.create_table(
        name,
        sa.Column(period, sa.Date(), nullable=False),
        sa.Column("unit_kind", sa.String(length=16), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        *(
            sa.Column(counter, sa.Integer(), server_default="0", nullable=False)
            for counter in COUNTERS
        ),
        sa.PrimaryKeyConstraint(period, "unit_kind", "unit_code", name=op.f(f"pk_{name}")),
        sqlite_with_rowid=False,
    )


def _fill(name: str, period: str, first_day: str) -> None:
    sums = ", ".join(f"sum({counter})" for counter in COUNTERS)
    op.execute(
        f"INSERT INTO {name} ({period}, unit_kind, unit_code, {', '.join(COUNTERS)}) "
        f"SELECT {first_day}, unit_kind, unit_code, {sums} FROM stat_day "
        f"GROUP BY {first_day}, unit_kind, unit_code"
    )


def _place_waiting_rows(connection: sa.Connection) -> int:
    """Give the committed rows without a place theirs, in id order; the feed's head."""
    last = connection.execute(
        sa.text("SELECT last_position FROM event_feed WHERE name = 'events'")
    ).scalar_one()
    waiting = connection.execute(
        sa.text("SELECT id FROM ticket_event WHERE feed_position IS NULL ORDER BY id")
    ).scalars()
    places = [
        {"event_id": event_id, "position": last + offset}
        for offset, event_id in enumerate(waiting, start=1)
    ]
    if places:
        connection.execute(
            sa.text("UPDATE ticket_event SET feed_position = :position WHERE id = :event_id"),
            places,
        )
        last += len(places)
        connection.execute(
            sa.text("UPDATE event_feed SET last_position = :last WHERE name = 'events'"),
            {"last": last},
        )
    return int(last)


def upgrade() -> None:
    _unit_table("stat_unit_day", "day")
    _unit_table("stat_unit_month", "month")
    progress = op.create_table(
        "stat_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_progress")),
    )
    connection = op.get_bind()
    month = (
        "CAST(date_trunc('month', day) AS DATE)"
        if connection.dialect.name == "postgresql"
        else "date(day, 'start of month')"
    )
    _fill("stat_unit_day", "day", "day")
    _fill("stat_unit_month", "month", month)
    op.bulk_insert(progress, [{"id": 1, "feed_position": _place_waiting_rows(connection)}])


def downgrade() -> None:
    op.drop_table("stat_progress")
    op.drop_table("stat_unit_month")
    op.drop_table("stat_unit_day")
