"""photos' bytes may be kept in the database

Revision ID: 3f2a9c4d8e71
Revises: 54d79091656f
Create Date: 2026-12-06 23:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f2a9c4d8e71"
down_revision: str | None = "54d79091656f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "photo_bytes",
        sa.Column("photo_id", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["photo_id"],
            ["photo.id"],
            name=op.f("fk_photo_bytes_photo_id_photo"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("photo_id", name=op.f("pk_photo_bytes")),
    )


def downgrade() -> None:
    op.drop_table("photo_bytes")
