"""Configuration from the environment and `.env`: exactly the variables of the contract."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from playlist_sync.quota_windows import QuotaReset


class ConfigError(Exception):
    """A configuration value the user must fix; its message is one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    data_dir: Path = Field(default=Path(".data"), alias="PLAYLIST_SYNC_DATA_DIR")
    temporal_address: str = Field(default="localhost:7233", alias="TEMPORAL_ADDRESS")
    temporal_namespace: str = Field(default="default", alias="TEMPORAL_NAMESPACE")
    temporal_task_queue: str = Field(default="playlist-sync", alias="TEMPORAL_TASK_QUEUE")
    # Worker Versioning: a worker with a build id declares the version (deployment, build id)
    # of the code it runs; Temporal sends a sync's tasks to its deployment's current version.
    # Without one the worker is unversioned (a single worker, the demo, the tests).
    temporal_deployment_name: str = Field(
        default="playlist-sync", alias="TEMPORAL_DEPLOYMENT_NAME", min_length=1
    )
    temporal_worker_build_id: str | None = Field(default=None, alias="TEMPORAL_WORKER_BUILD_ID")
    youtube_api_url: str | None = Field(default=None, alias="YOUTUBE_API_URL")
    youtube_daily_quota: int = Field(default=10_000, alias="YOUTUBE_DAILY_QUOTA", gt=0)
    youtube_playlist_creates_per_day: int = Field(
        default=10, alias="YOUTUBE_PLAYLIST_CREATES_PER_DAY", gt=0
    )
    quota_reset_text: str = Field(default="pacific-midnight", alias="QUOTA_RESET")

    @field_validator("database_url", "youtube_api_url", "temporal_worker_build_id", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is not None and urlparse(value).scheme not in ("postgres", "postgresql"):
            raise ValueError("must look like postgresql://user:password@host:5432/dbname")
        return value

    @field_validator("youtube_api_url")
    @classmethod
    def _check_api_url(cls, value: str | None) -> str | None:
        if value is not None:
            parsed = urlparse(value)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValueError("must be an http(s) URL such as http://127.0.0.1:8765")
        return value

    @field_validator("temporal_deployment_name", "temporal_worker_build_id")
    @classmethod
    def _check_version_part(cls, value: str | None) -> str | None:
        # Temporal writes a version as "<deployment>.<build id>".
        if value is not None and (value.strip() != value or "." in value):
            raise ValueError("must have no dots and no spaces around it, such as 2026-11-30a")
        return value

    @field_validator("temporal_address")
    @classmethod
    def _check_temporal_address(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError("must be host:port, such as localhost:7233")
        return value

    @field_validator("quota_reset_text")
    @classmethod
    def _check_quota_reset(cls, value: str) -> str:
        QuotaReset.parse(value)
        return value.strip()

    @property
    def quota_reset(self) -> QuotaReset:
        return QuotaReset.parse(self.quota_reset_text)

    @property
    def temporal_ui_url(self) -> str:
        host, _, port = self.temporal_address.rpartition(":")
        return f"http://{host}:{int(port) + 1000}"


def without_password(url: str) -> str:
    """`url` with its password (if any) shown as ***, for printing."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    user = parsed.username or ""
    host = parsed.netloc.rpartition("@")[2]
    return parsed._replace(netloc=f"{user}:***@{host}").geturl()


def load_settings(**overrides: object) -> Settings:
    """Settings, or a ConfigError whose message names the variable and the problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        alias = Settings.model_fields[field].alias if field in Settings.model_fields else None
        variable = alias or field or "configuration"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"invalid {variable}: {message}") from None
