"""Ticket workflow and SLA clocks: calendars, policies, clocks, extension requests

Revision ID: 81613a12f9f5
Revises: 69a7e26a1dbe
Create Date: 2026-11-23 03:07:15.177460
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "81613a12f9f5"
down_revision: str | None = "69a7e26a1dbe"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "work_calendar",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("periods", sa.JSON(), nullable=False),
        sa.Column("round_the_clock", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_calendar")),
        sa.UniqueConstraint("code", name=op.f("uq_work_calendar_code")),
    )
    op.create_table(
        "calendar_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_working", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["work_calendar.id"],
            name=op.f("fk_calendar_day_calendar_id_work_calendar"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_day")),
        sa.UniqueConstraint("calendar_id", "day", name=op.f("uq_calendar_day_calendar_id_day")),
    )
    op.create_table(
        "calendar_year",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["work_calendar.id"],
            name=op.f("fk_calendar_year_calendar_id_work_calendar"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_year")),
        sa.UniqueConstraint("calendar_id", "year", name=op.f("uq_calendar_year_calendar_id_year")),
    )
    op.create_table(
        "sla_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("request_type", sa.String(length=20), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.String(length=16), nullable=True),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("dispatch_target", sa.String(length=16), nullable=True),
        sa.Column("sign_target", sa.String(length=16), nullable=True),
        sa.Column("reply_target", sa.String(length=16), nullable=True),
        sa.Column("return_window_target", sa.String(length=16), nullable=True),
        sa.Column("warn_ratio", sa.Float(), nullable=False),
        sa.Column("warn_before_minutes", sa.Integer(), nullable=True),
        sa.Column("max_extension_days", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["work_calendar.id"],
            name=op.f("fk_sla_policy_calendar_id_work_calendar"),
        ),
        sa.ForeignKeyConstraint(
            ["category_id"], ["category.id"], name=op.f("fk_sla_policy_category_id_category")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policy")),
        sa.UniqueConstraint("name", name=op.f("uq_sla_policy_name")),
    )
    with op.batch_alter_table("sla_policy", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sla_policy_category_id"), ["category_id"], unique=False
        )

    op.create_table(
        "ticket_clock",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("cycle", sa.Integer(), server_default="1", nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("started_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("due_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("warn_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("next_alert_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("warned_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("breached_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("paused_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("remaining_us", sa.BigInteger(), nullable=True),
        sa.Column("warn_remaining_us", sa.BigInteger(), nullable=True),
        sa.Column("stopped_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("extended_days", sa.Integer(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["work_calendar.id"],
            name=op.f("fk_ticket_clock_calendar_id_work_calendar"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_ticket_clock_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"], ["grid.id"], name=op.f("fk_ticket_clock_grid_id_grid")
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["sla_policy.id"], name=op.f("fk_ticket_clock_policy_id_sla_policy")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_clock_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_clock")),
    )
    with op.batch_alter_table("ticket_clock", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ticket_clock_next_alert_at",
            ["next_alert_at"],
            unique=False,
            sqlite_where=sa.text("next_alert_at IS NOT NULL"),
            postgresql_where=sa.text("next_alert_at IS NOT NULL"),
        )
        batch_op.create_index("ix_ticket_clock_ticket_id_kind", ["ticket_id", "kind"], unique=False)

    op.create_table(
        "extension_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("clock_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=True),
        sa.Column("requested_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clock_id"],
            ["ticket_clock.id"],
            name=op.f("fk_extension_request_clock_id_ticket_clock"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_extension_request_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_request")),
    )
    with op.batch_alter_table("extension_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_extension_request_ticket_id"), ["ticket_id"], unique=False
        )

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_due_at", app.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("cycle", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(
            sa.Column("urge_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("is_supervised", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("reply_text", sa.Text(), nullable=True))
        batch_op.create_index("ix_ticket_next_due_at_id", ["next_due_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_next_due_at_id")
        batch_op.drop_column("reply_text")
        batch_op.drop_column("is_supervised")
        batch_op.drop_column("urge_count")
        batch_op.drop_column("cycle")
        batch_op.drop_column("next_due_at")

    with op.batch_alter_table("extension_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extension_request_ticket_id"))

    op.drop_table("extension_request")
    with op.batch_alter_table("ticket_clock", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_clock_ticket_id_kind")
        batch_op.drop_index("ix_ticket_clock_next_alert_at")

    op.drop_table("ticket_clock")
    with op.batch_alter_table("sla_policy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_policy_category_id"))

    op.drop_table("sla_policy")
    op.drop_table("calendar_year")
    op.drop_table("calendar_day")
    op.drop_table("work_calendar")
