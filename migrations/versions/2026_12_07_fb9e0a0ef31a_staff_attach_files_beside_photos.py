"""staff attach files (PDF) beside photos: uploads have a kind, a file name, and pixels
only when they are photos

Revision ID: fb9e0a0ef31a
Revises: accceb3a5996
Create Date: 2026-12-07 02:16:30.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "fb9e0a0ef31a"
down_revision: str | None = "accceb3a5996"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FILES = "SELECT id FROM photo WHERE kind = 'file'"


def upgrade() -> None:
    # Every upload so far is a photo.
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=8), server_default="photo", nullable=False)
        )
        batch_op.add_column(sa.Column("filename", sa.String(length=120), nullable=True))
        batch_op.alter_column("width", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("height", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f("ck_photo_pixels"), "kind = 'file' OR (width IS NOT NULL AND height IS NOT NULL)"
        )


def downgrade() -> None:
    # A schema of photos alone cannot hold files: they go, with their attachments and bytes.
    op.execute(f"DELETE FROM ticket_attachment WHERE photo_id IN ({_FILES})")
    op.execute(f"DELETE FROM photo_bytes WHERE photo_id IN ({_FILES})")
    op.execute("DELETE FROM photo WHERE kind = 'file'")
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_photo_pixels"), type_="check")
        batch_op.alter_column("height", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("width", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("filename")
        batch_op.drop_column("kind")
