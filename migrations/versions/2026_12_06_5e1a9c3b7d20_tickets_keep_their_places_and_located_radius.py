"""tickets keep the places and problem words they name, and how far off an address's point is

Revision ID: 5e1a9c3b7d20
Revises: 00d07af6e9eb
Create Date: 2026-12-06 21:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1a9c3b7d20"
down_revision: str | None = "00d07af6e9eb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tickets taken in before keep NULL keys: their places weigh neither way.
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("match_keys", sa.Text(), nullable=True))
        batch.add_column(sa.Column("location_radius_m", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("location_radius_m")
        batch.drop_column("match_keys")
