"""How the audit log looks to administrators."""

from datetime import datetime
from typing import Any

from pydantic import Field

from app.schemas import OutputModel


class AuditActorRead(OutputModel):
    kind: str = Field(description="user, client (an integration) or system (a command)")
    ref: str | None = Field(description='"user:6", "client:1"; null for the system')
    name: str | None = Field(description="The username or the integration's name then")


class AuditEntryRead(OutputModel):
    id: int
    at: datetime
    actor: AuditActorRead
    address: str | None = Field(description="The caller's IP address")
    kind: str = Field(description="What sort of thing changed: department, category, ...")
    action: str = Field(description="create, update, retire, reactivate, delete, reveal, ...")
    object_code: str = Field(description="Which one: its code, or its id")
    before: dict[str, Any] | None = Field(description="As it was; null when created")
    after: dict[str, Any] | None = Field(description="As it became; null when deleted")
