"""Settings, read once from `HOTLINE_*` environment variables."""

import json
from functools import cache
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.vocabulary import Channel, RequestType

DEFAULT_DATA_DIR = Path("data")
MIN_SECRET_LENGTH = 32
LOOPBACK_NETWORKS: tuple[IPv4Network | IPv6Network, ...] = (
    IPv4Network("127.0.0.0/8"),
    IPv6Network("::1/128"),
)
KNOWN_UNSAFE_SECRETS = frozenset({"changeme", "secret", "password", "change-me-in-production"})
# The duplicate model tools/fit_dedup.py fits: dedup's scoring reads its weights from it, and
# the two scores it chose are the defaults of HOTLINE_DEDUP_MERGE_SCORE and _FLAG_SCORE.
DEDUP_MODEL_FILE = Path(__file__).resolve().parent / "dedup" / "data" / "model.json"


@cache
def _fitted(name: str) -> float:
    document = json.loads(DEDUP_MODEL_FILE.read_text(encoding="utf-8"))
    return float(document[name])


class Settings(BaseSettings):
    """Every knob of the service; each one is listed in the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="HOTLINE_", extra="ignore")

    # DATABASE_URL is honoured too, as container platforms set it.
    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'hotline.db'}",
        validation_alias=AliasChoices("HOTLINE_DATABASE_URL", "DATABASE_URL"),
    )
    # Keep the statistics' rollups in step with the timeline: each server follows the event
    # feed and counts new rows every `stats_poll_seconds` (one server at a time counts; 0
    # stops following). False leaves them where they are until it is true again (they then
    # catch up) or `hotline rebuild-stats` runs, and is the benchmark's ceiling for what
    # keeping them costs.
    stats_rollups: bool = True
    stats_poll_seconds: Annotated[float, Field(ge=0)] = 1.0
    # The longest created_from-created_to window a raw export (the queue's) covers.
    export_max_days: Annotated[int, Field(gt=0, le=3660)] = 366
    # Reports read the statistics from here (a read replica); the main database when unset.
    reports_database_url: str | None = None
    upload_dir: Path = DEFAULT_DATA_DIR / "uploads"
    # Where photos' bytes are kept: files under upload_dir (a directory every replica must
    # share), or the database (replicas need no shared disk). `hotline migrate-photos`
    # copies them across when this changes.
    photo_storage: Literal["filesystem", "database"] = "filesystem"
    timezone: str = "Asia/Shanghai"
    max_body_bytes: Annotated[int, Field(gt=0)] = 1_000_000
    max_photo_bytes: Annotated[int, Field(gt=0)] = 10_000_000
    max_photo_pixels: Annotated[int, Field(gt=0)] = 40_000_000
    max_photos_per_ticket: Annotated[int, Field(gt=0)] = 9
    idempotency_ttl_hours: Annotated[int, Field(gt=0)] = 24
    idempotency_lease_seconds: Annotated[int, Field(gt=0)] = 60
    # PostgreSQL: requests at the database at once, per process. Python runs one thread at
    # a time, so many only fight over the interpreter: one worker took a ticket in for
    # 14.7 ms of CPU with 20 at once and 7.4 ms with 2. Too few leave it waiting on the
    # database's answers: 4 took 11% more tickets a second than 2 for the same CPU a ticket,
    # 6 no more than 4 for more CPU (python -m bench intake --db postgres).
    db_pool_size: Annotated[int, Field(gt=0)] = 4
    # SQLite's page cache for the one connection: the hot pages of a large queue's
    # indexes stay in memory instead of being read back from the OS on every search.
    sqlite_cache_mb: Annotated[int, Field(gt=0)] = 64
    # SQLite reads the file through memory mapped this far (0: off), so a page not in the
    # page cache is a memory read, not a read from the OS; SQLite caps it at 2 GiB. The
    # duplicate search at a million tickets took 0.40 ms against 0.49 ms as it first read
    # its neighbourhoods (python -m bench dedup).
    sqlite_mmap_mb: Annotated[int, Field(ge=0)] = 2048
    log_level: str = "info"
    # text: uvicorn's lines as before, each with its request id; json: one object a line.
    log_format: Literal["text", "json"] = "text"
    # Off only to measure what they cost (python -m bench intake --compare-observability).
    request_ids: bool = True
    metrics_enabled: bool = True
    # Who may read /metrics: a scraper from these networks, or one sending this bearer token.
    metrics_networks: list[IPv4Network | IPv6Network] = Field(
        default_factory=lambda: list(LOOPBACK_NETWORKS)
    )
    metrics_token: SecretStr | None = None

    # Below this confidence a ticket's text is not trusted to choose its category: the
    # ticket waits for the dispatch centre instead of being routed on a guess.
    classifier_threshold: Annotated[float, Field(gt=0, le=1)] = 0.6

    # Access. Without a JWT secret each process makes a random one: tokens then die with
    # the process and are not accepted by other replicas, so production sets it.
    jwt_secret: SecretStr | None = None
    access_token_minutes: Annotated[int, Field(gt=0, le=120)] = 15
    refresh_token_days: Annotated[int, Field(gt=0)] = 14
    # How long a process trusts a credential it has checked (revocations reach other
    # processes within this time); 0 checks the database on every request.
    credential_cache_seconds: Annotated[float, Field(ge=0, le=60)] = 5
    login_max_failures: Annotated[int, Field(gt=0)] = 5
    login_lockout_minutes: Annotated[int, Field(gt=0)] = 15
    bootstrap_admin_username: str | None = None
    bootstrap_admin_password: SecretStr | None = None

    # Abuse limits, per client address and minute; `database` shares them across replicas.
    rate_limit_backend: Literal["memory", "database"] = "memory"
    rate_limit_login_per_minute: Annotated[int, Field(gt=0)] = 10
    rate_limit_public_per_minute: Annotated[int, Field(gt=0)] = 20
    cors_origins: list[str] = []
    # SLA: how often the in-process sweeper looks for warnings and breaches (0: never; run
    # `hotline sla-sweep` as a separate worker instead), and where escalation ends.
    sla_sweep_seconds: Annotated[float, Field(ge=0)] = 30
    sla_sweep_batch: Annotated[int, Field(gt=0)] = 1000
    escalation_department: str = "district_office"
    # Duplicates: how far apart (unless the category sets its own radius) and how long
    # apart two reports may be and still be one problem; the score from which a new ticket
    # is merged at once (unless auto-merge is off: then it is flagged), and from which it is
    # flagged for a dispatcher to confirm.
    dedup_radius_m: Annotated[int, Field(gt=0, le=390)] = 250
    dedup_window_days: Annotated[float, Field(gt=0, le=365)] = 30
    dedup_auto_merge: bool = True
    # The defaults are the scores tools/fit_dedup.py chose with the fitted weights.
    dedup_merge_score: float = Field(default_factory=lambda: _fitted("merge_score"), gt=0, le=1)
    dedup_flag_score: float = Field(default_factory=lambda: _fitted("flag_score"), gt=0, le=1)
    # The city's gazetteer of named places (JSON, see app/demo/places.json); None: the demo's.
    places_file: Path | None = None
    # The request type of a ticket whose channel sent none and whose category has no
    # default of its own; a channel not listed files complaints. Photo, QR and patrol
    # reports report a problem seen on the street: they are not complaints about a unit.
    channel_request_types: dict[Channel, RequestType] = {
        Channel.PHOTO_REPORT: RequestType.REPORT,
        Channel.QR_CODE: RequestType.REPORT,
        Channel.GRID_PATROL: RequestType.REPORT,
    }
    # A repeat contact about a closed ticket: file a new ticket linked to it, or reopen it.
    repeat_after_close: Literal["link", "reopen"] = "link"
    # Webhooks: receivers on loopback, private, link-local or metadata addresses, and plain
    # http, are refused unless this is on (tests, the demo); how often each server
    # delivers (0: never; run `hotline deliver-webhooks` instead); how long one POST may
    # take; how long a delivery is retried before its subscription is disabled.
    webhook_allow_private: bool = False
    # A quarter of a second: each pass carries the events of its interval, and its
    # statements cost the same for 5 events as for 50 (`python -m bench webhooks`).
    webhook_poll_seconds: Annotated[float, Field(ge=0)] = 0.25
    webhook_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 10
    webhook_retry_hours: Annotated[float, Field(gt=0)] = 24
    # On SIGTERM a server stops taking connections and lets requests in flight finish for
    # at most this long (a deployment's stop timeout should be longer).
    shutdown_grace_seconds: Annotated[int, Field(gt=0)] = 30

    @field_validator("jwt_secret")
    @classmethod
    def _refuse_weak_jwt_secret(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is None:
            return None
        value = secret.get_secret_value()
        if len(value) < MIN_SECRET_LENGTH or value.lower() in KNOWN_UNSAFE_SECRETS:
            raise ValueError(
                f"HOTLINE_JWT_SECRET must be at least {MIN_SECRET_LENGTH} random characters "
                "(for example: python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return secret

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
