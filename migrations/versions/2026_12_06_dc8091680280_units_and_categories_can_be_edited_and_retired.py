"""units and categories can be edited and retired

Departments gain a short name, a contact phone, a kind and retired_at; categories a
default request type, retired_at and the category that replaces a retired one.

Revision ID: dc8091680280
Revises: 69d88baf4b89
Create Date: 2026-12-06 20:04:48.103329
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "dc8091680280"
down_revision: str | None = "69d88baf4b89"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.add_column(sa.Column("default_request_type", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("retired_at", app.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("replacement_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_category_replacement_id_category"),
            "category",
            ["replacement_id"],
            ["id"],
        )

    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_name", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="functional", nullable=False)
        )
        batch_op.add_column(
            sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("retired_at", app.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_check_constraint(
            op.f("ck_department_kind_known"),
            "kind IN ('functional', 'public_enterprise', 'district', 'other')",
        )
    op.execute("UPDATE department SET updated_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_department_kind_known"), type_="check")
        batch_op.drop_column("retired_at")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("kind")
        batch_op.drop_column("contact_phone")
        batch_op.drop_column("short_name")

    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_category_replacement_id_category"), type_="foreignkey"
        )
        batch_op.drop_column("replacement_id")
        batch_op.drop_column("retired_at")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("default_request_type")
