"""staff must change a one-time password

Revision ID: 79cc43a9f41c
Revises: 567b036b67c6
Create Date: 2026-12-06 20:05:34.707046
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "79cc43a9f41c"
down_revision: str | None = "567b036b67c6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
