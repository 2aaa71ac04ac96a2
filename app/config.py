"""Settings, read once from `HOTLINE_*` environment variables."""

from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    """Every knob of the service; each one is listed in the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="HOTLINE_", extra="ignore")

    # DATABASE_URL is honoured too, as container platforms set it.
    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'hotline.db'}",
        validation_alias=AliasChoices("HOTLINE_DATABASE_URL", "DATABASE_URL"),
    )
    upload_dir: Path = DEFAULT_DATA_DIR / "uploads"
    timezone: str = "Asia/Shanghai"
    max_body_bytes: Annotated[int, Field(gt=0)] = 1_000_000
    max_photo_bytes: Annotated[int, Field(gt=0)] = 10_000_000
    max_photo_pixels: Annotated[int, Field(gt=0)] = 40_000_000
    max_photos_per_ticket: Annotated[int, Field(gt=0)] = 9
    idempotency_ttl_hours: Annotated[int, Field(gt=0)] = 24
    idempotency_lease_seconds: Annotated[int, Field(gt=0)] = 60
    db_pool_size: Annotated[int, Field(gt=0)] = 10
    log_level: str = "info"

    @field_validator("database_url")
    @classmethod
    def _accept_plain_postgres_urls(cls, url: str) -> str:
        # Operators paste libpq-style URLs; the driver we ship is psycopg 3.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url.removeprefix(prefix)
        return url

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
