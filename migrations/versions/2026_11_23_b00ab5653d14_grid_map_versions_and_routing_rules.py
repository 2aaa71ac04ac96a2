"""grid map versions and routing rules

Revision ID: b00ab5653d14
Revises: 67c97f050587
Create Date: 2026-11-23 01:31:55.324482
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db

revision: str = "b00ab5653d14"
down_revision: str | None = "67c97f050587"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "category_keyword",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=32), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("excluded", sa.JSON(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_keyword")),
    )
    with op.batch_alter_table("category_keyword", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_category_keyword_category_code"), ["category_code"], unique=False
        )

    op.create_table(
        "grid_map_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("crs", sa.String(length=8), nullable=False),
        sa.Column("grids_added", sa.Integer(), nullable=False),
        sa.Column("grids_changed", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=True),
        sa.Column("imported_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_map_version")),
    )
    op.create_table(
        "routing_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("is_fallback", sa.Boolean(), nullable=False),
        sa.Column("category_codes", sa.JSON(), nullable=False),
        sa.Column("request_types", sa.JSON(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("grid_codes", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_grid_level", sa.Integer(), nullable=True),
        sa.Column("target_department_code", sa.String(length=64), nullable=True),
        sa.Column("assist_department_codes", sa.JSON(), nullable=False),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "target_kind IN ('grid_level', 'department')",
            name=op.f("ck_routing_rule_target_kind_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rule")),
    )
    with op.batch_alter_table("routing_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_routing_rule_position"), ["position"], unique=False)

    op.create_table(
        "grid_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("map_version_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("parent_code", sa.String(length=32), nullable=True),
        sa.Column(
            "boundary",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"], ["grid.id"], name=op.f("fk_grid_revision_grid_id_grid"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["map_version_id"],
            ["grid_map_version.id"],
            name=op.f("fk_grid_revision_map_version_id_grid_map_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_revision")),
    )
    with op.batch_alter_table("grid_revision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_grid_revision_grid_id_map_version_id", ["grid_id", "map_version_id"], unique=False
        )

    op.create_table(
        "ticket_assisting_unit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(department_id IS NULL) <> (grid_id IS NULL)",
            name=op.f("ck_ticket_assisting_unit_one_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_ticket_assisting_unit_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"], ["grid.id"], name=op.f("fk_ticket_assisting_unit_grid_id_grid")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_assisting_unit_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_assisting_unit")),
        sa.UniqueConstraint(
            "ticket_id",
            "department_id",
            name=op.f("uq_ticket_assisting_unit_ticket_id_department_id"),
        ),
        sa.UniqueConstraint(
            "ticket_id", "grid_id", name=op.f("uq_ticket_assisting_unit_ticket_id_grid_id")
        ),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grid_map_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_ticket_grid_map_version_id_grid_map_version"),
            "grid_map_version",
            ["grid_map_version_id"],
            ["id"],
        )

    # Grids loaded before maps had versions become the first version.
    op.execute(
        "INSERT INTO grid_map_version (source, crs, grids_added, grids_changed, imported_at) "
        "SELECT 'grids before versioning', 'wgs84', count(*), 0, CURRENT_TIMESTAMP FROM grid "
        "HAVING count(*) > 0"
    )


def downgrade() -> None:

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_ticket_grid_map_version_id_grid_map_version"), type_="foreignkey"
        )
        batch_op.drop_column("grid_map_version_id")

    op.drop_table("ticket_assisting_unit")
    with op.batch_alter_table("grid_revision", schema=None) as batch_op:
        batch_op.drop_index("ix_grid_revision_grid_id_map_version_id")

    op.drop_table("grid_revision")
    with op.batch_alter_table("routing_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routing_rule_position"))

    op.drop_table("routing_rule")
    op.drop_table("grid_map_version")
    with op.batch_alter_table("category_keyword", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_keyword_category_code"))

    op.drop_table("category_keyword")
