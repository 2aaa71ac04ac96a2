"""Duplicate detection: candidates, the point's cell, a radius per category

Revision ID: 76a96d848b87
Revises: 81613a12f9f5
Create Date: 2026-11-23 03:45:52.995996
"""

import math
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db

revision: str = "76a96d848b87"
down_revision: str | None = "81613a12f9f5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicate_candidate",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "candidate_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["ticket.id"],
            name=op.f("fk_duplicate_candidate_candidate_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_duplicate_candidate_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_candidate")),
        sa.UniqueConstraint(
            "ticket_id", "candidate_id", name=op.f("uq_duplicate_candidate_ticket_id_candidate_id")
        ),
    )
    with op.batch_alter_table("duplicate_candidate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_duplicate_candidate_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_duplicate_candidate_ticket_id"), ["ticket_id"], unique=False
        )

    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duplicate_radius_m", sa.Integer(), nullable=True))

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("geo_cell", sa.BigInteger(), nullable=True))
        batch_op.create_index(
            "ix_ticket_geo_cell_created_at",
            ["geo_cell", "created_at", "lat", "lon", "category_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_ticket_reporter_phone_created_at", ["reporter_phone", "created_at"], unique=False
        )
    _fill_geo_cells()


# As app/dedup/cells.py computed it when this migration was written.
CELL_DEGREES = 0.0025
CELL_ROW = 1_000_000


def _fill_geo_cells() -> None:
    """Tickets taken in before duplicate detection get their cell, so they are found too."""
    ticket = sa.table(
        "ticket", sa.column("id"), sa.column("lat"), sa.column("lon"), sa.column("geo_cell")
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(ticket.c.id, ticket.c.lat, ticket.c.lon).where(ticket.c.lat.is_not(None))
    ).all()
    if rows:
        connection.execute(
            ticket.update()
            .where(ticket.c.id == sa.bindparam("ticket_id"))
            .values(geo_cell=sa.bindparam("cell")),
            [
                {
                    "ticket_id": row.id,
                    "cell": math.floor(row.lat / CELL_DEGREES) * CELL_ROW
                    + math.floor(row.lon / CELL_DEGREES),
                }
                for row in rows
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_reporter_phone_created_at")
        batch_op.drop_index("ix_ticket_geo_cell_created_at")
        batch_op.drop_column("geo_cell")

    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.drop_column("duplicate_radius_m")

    with op.batch_alter_table("duplicate_candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duplicate_candidate_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_duplicate_candidate_candidate_id"))

    op.drop_table("duplicate_candidate")
