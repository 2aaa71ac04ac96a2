"""Credentials: integration clients (call centres, apps) and staff accounts."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class IntegrationClient(Base):
    __tablename__ = "integration_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Only a hash of the key is kept; the prefix lets an operator tell keys apart.
    key_prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(128))
    channels: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    # The key before the last rotation, working until it expires (the admin's grace
    # period), so the integration can move to the new key without an outage.
    previous_key_prefix: Mapped[str | None] = mapped_column(String(16), unique=True)
    previous_key_hash: Mapped[str | None] = mapped_column(String(128))
    previous_key_expires_at: Mapped[datetime | None]
    previous_key_last_used_at: Mapped[datetime | None]
    rotated_at: Mapped[datetime | None]


class StaffUser(Base):
    """A member of staff who logs in. Unit roles belong to one department or one grid."""

    __tablename__ = "staff_user"
    __table_args__ = (CheckConstraint("department_id IS NULL OR grid_id IS NULL", name="one_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]
    # Set by an admin's one-time password: the account may do nothing but change it.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


class LoginThrottle(Base):
    """Failed logins in a row for one username as typed (app.auth.throttle)."""

    __tablename__ = "login_throttle"

    name_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(index=True)


class RefreshToken(Base):
    """One refresh token; each use replaces it, and reusing a spent one ends its family."""

    __tablename__ = "refresh_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family: Mapped[str] = mapped_column(String(32), index=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
