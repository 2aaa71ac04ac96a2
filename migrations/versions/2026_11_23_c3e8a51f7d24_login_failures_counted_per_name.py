"""Login failures counted per name typed, not on the account

Revision ID: c3e8a51f7d24
Revises: 4f2d7c1a9e30
Create Date: 2026-11-23 17:30:00.000000
"""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "c3e8a51f7d24"
down_revision: str | None = "4f2d7c1a9e30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAFF = sa.table(
    "staff_user",
    sa.column("username", sa.String),
    sa.column("failed_logins", sa.Integer),
    sa.column("locked_until", app.db.UtcDateTime(timezone=True)),
)
THROTTLE = sa.table(
    "login_throttle",
    sa.column("name_hash", sa.String),
    sa.column("failed_logins", sa.Integer),
    sa.column("locked_until", app.db.UtcDateTime(timezone=True)),
    sa.column("updated_at", app.db.UtcDateTime(timezone=True)),
)


def _name_hash(username: str) -> str:
    return hashlib.sha256(username.encode()).hexdigest()


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("name_hash", sa.String(length=64), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", app.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", app.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name_hash", name=op.f("pk_login_throttle")),
    )
    op.create_index(
        op.f("ix_login_throttle_updated_at"), "login_throttle", ["updated_at"], unique=False
    )
    # Accounts slowed down or locked right now stay so.
    counting = op.get_bind().execute(
        sa.select(STAFF.c.username, STAFF.c.failed_logins, STAFF.c.locked_until).where(
            sa.or_(STAFF.c.failed_logins > 0, STAFF.c.locked_until.is_not(None))
        )
    )
    now = datetime.now(UTC)
    rows = [
        {
            "name_hash": _name_hash(username),
            "failed_logins": failed,
            "locked_until": locked_until,
            "updated_at": now,
        }
        for username, failed, locked_until in counting
    ]
    if rows:
        op.bulk_insert(THROTTLE, rows)
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def downgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("locked_until", app.db.UtcDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.alter_column("failed_logins", existing_type=sa.Integer(), server_default=None)
    connection = op.get_bind()
    counts = {
        name_hash: (failed, locked_until)
        for name_hash, failed, locked_until in connection.execute(
            sa.select(THROTTLE.c.name_hash, THROTTLE.c.failed_logins, THROTTLE.c.locked_until)
        )
    }
    for (username,) in connection.execute(sa.select(STAFF.c.username)).all():
        if (count := counts.get(_name_hash(username))) is not None:
            connection.execute(
                sa.update(STAFF)
                .where(STAFF.c.username == username)
                .values(failed_logins=count[0], locked_until=count[1])
            )
    op.drop_index(op.f("ix_login_throttle_updated_at"), table_name="login_throttle")
    op.drop_table("login_throttle")
