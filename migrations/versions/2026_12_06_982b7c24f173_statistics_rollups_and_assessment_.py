"""statistics rollups and assessment settings

Revision ID: 982b7c24f173
Revises: c51c2545c607
Create Date: 2026-12-06 23:02:27.520165
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db

revision: str = "982b7c24f173"
down_revision: str | None = "c51c2545c607"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "stat_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_kind", sa.String(length=16), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("request_type", sa.String(length=20), nullable=False),
        sa.Column("received", sa.Integer(), server_default="0", nullable=False),
        sa.Column("answered_at_once", sa.Integer(), server_default="0", nullable=False),
        sa.Column("repeat_contacts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("assigned", sa.Integer(), server_default="0", nullable=False),
        sa.Column("responded", sa.Integer(), server_default="0", nullable=False),
        sa.Column("returned", sa.Integer(), server_default="0", nullable=False),
        sa.Column("transferred", sa.Integer(), server_default="0", nullable=False),
        sa.Column("replied", sa.Integer(), server_default="0", nullable=False),
        sa.Column("replied_on_time", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reopened", sa.Integer(), server_default="0", nullable=False),
        sa.Column("extended", sa.Integer(), server_default="0", nullable=False),
        sa.Column("breached", sa.Integer(), server_default="0", nullable=False),
        sa.Column("visited", sa.Integer(), server_default="0", nullable=False),
        sa.Column("solved", sa.Integer(), server_default="0", nullable=False),
        sa.Column("satisfied", sa.Integer(), server_default="0", nullable=False),
        sa.Column("basically_satisfied", sa.Integer(), server_default="0", nullable=False),
        sa.Column("evaluated", sa.Integer(), server_default="0", nullable=False),
        sa.Column("handled", sa.Integer(), server_default="0", nullable=False),
        sa.Column("h0", sa.Integer(), server_default="0", nullable=False),
        sa.Column("h1", sa.Integer(), server_default="0", nullable=False),
        sa.Column("h2", sa.Integer(), server_default="0", nullable=False),
        sa.Column("h3", sa.Integer(), server_default="0", nullable=False),
        sa.Column("h4", sa.Integer(), server_default="0", nullable=False),
        sa.Column("h5", sa.Integer(), server_default="0", nullable=False),
        sa.Column("h6", sa.Integer(), server_default="0", nullable=False),
        sa.Column("h7", sa.Integer(), server_default="0", nullable=False),
        sa.Column("h8", sa.Integer(), server_default="0", nullable=False),
        sa.Column("h9", sa.Integer(), server_default="0", nullable=False),
        sa.Column("h10", sa.Integer(), server_default="0", nullable=False),
        sa.Column("h11", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint(
            "day",
            "unit_kind",
            "unit_code",
            "category",
            "channel",
            "request_type",
            name=op.f("pk_stat_day"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "stat_place",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("grid_code", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("received", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("day", "grid_code", "category", name=op.f("pk_stat_place")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "stat_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_weight", sa.Float(), nullable=False),
        sa.Column("resolution_weight", sa.Float(), nullable=False),
        sa.Column("satisfaction_weight", sa.Float(), nullable=False),
        sa.Column("basically_satisfied_weight", sa.Float(), nullable=False),
        sa.Column("min_tickets", sa.Integer(), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_settings")),
    )
    op.create_table(
        "stat_ticket",
        sa.Column(
            "ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "state",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_stat_ticket_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_stat_ticket")),
    )


def downgrade() -> None:

    op.drop_table("stat_ticket")
    op.drop_table("stat_settings")
    op.drop_table("stat_place")
    op.drop_table("stat_day")
