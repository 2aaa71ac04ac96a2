"""Request and answer bodies of logins, integration clients and staff accounts."""

from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from app.identity.roles import Role
from app.schemas import Code, InputModel, Name, OutputModel
from app.vocabulary import Channel

Username = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_.-]{2,63}$")
]
Password = Annotated[str, StringConstraints(min_length=10, max_length=200)]


class TokenPair(OutputModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds the access token lives")
    refresh_token: str
    password_change_required: bool = Field(
        False,
        description="The password was set by an administrator for one use: until it is "
        "changed at POST /api/v1/auth/password, every other call is refused (403).",
    )


class RefreshRequest(InputModel):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class IntegrationClientCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "区12345话务系统", "channels": ["hotline_12345", "minsheng_110"]}]
        }
    )

    name: Name
    channels: Annotated[list[Channel], Field(min_length=1)]


class IntegrationClientUpdate(InputModel):
    """Only the fields sent change."""

    name: Name | None = None
    channels: Annotated[list[Channel], Field(min_length=1)] | None = None


class KeyRotation(InputModel):
    grace_minutes: Annotated[int, Field(ge=0, le=30 * 24 * 60)] = Field(
        description="How long the old key keeps working beside the new one (0: it stops "
        "at once; at most 30 days)."
    )


class IntegrationClientRead(OutputModel):
    id: int
    name: str
    key_prefix: str
    channels: list[Channel]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(description="The current key's last use (to a minute)")
    rotated_at: datetime | None
    previous_key_prefix: str | None = Field(
        description="The key before the last rotation, while it still works"
    )
    previous_key_expires_at: datetime | None
    previous_key_last_used_at: datetime | None


class IntegrationClientCreated(IntegrationClientRead):
    api_key: str = Field(description="Shown this once; only its hash is kept.")


class StaffUserCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "guanqian.handler",
                    "display_name": "观前社区承办人",
                    "password": "a long passphrase 2026",
                    "role": "unit_handler",
                    "grid_code": "351002001001",
                }
            ]
        }
    )

    username: Username
    display_name: Name
    password: Password
    role: Role
    department_code: Code | None = None
    grid_code: Code | None = None


class StaffUserUpdate(InputModel):
    """Only the fields sent change. A new role, or a unit (department_code or grid_code),
    ends every login of the account. A unit role names its unit with the role."""

    display_name: Name | None = None
    role: Role | None = None
    department_code: Code | None = None
    grid_code: Code | None = None


class OneTimePassword(InputModel):
    password: Password = Field(
        description="For one login: the account must change it before anything else."
    )


class PasswordChange(InputModel):
    old_password: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    new_password: Password


class StaffUserRead(OutputModel):
    id: int
    username: str
    display_name: str
    role: Role
    department_id: int | None
    grid_id: int | None
    created_at: datetime
    disabled_at: datetime | None
    must_change_password: bool


class Me(OutputModel):
    username: str
    role: Role
    department_code: str | None = Field(description="The department the account works for")
    grid_code: str | None = Field(description="The grid (street, community, unit grid) it serves")
    must_change_password: bool
