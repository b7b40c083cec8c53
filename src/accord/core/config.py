"""Settings read from the environment (prefix `ACCORD_`) with defaults for the embedded set-up."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "accord"


class Settings(BaseSettings):
    """Everything configurable about one Accord installation."""

    model_config = SettingsConfigDict(env_prefix="ACCORD_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str = ""
    secret_key_path: Path | None = None
    default_locale: str = "zh"
    display_timezone: str = "Asia/Shanghai"
    sql_echo: bool = False
    embedded_worker: bool = False  # `accord serve` turns it on unless --no-worker
    # Hit follow-ups: how long the issuing agency has to confirm or refuse (SIRENE-style).
    followup_urgent_minutes: int = Field(default=10, ge=1, le=24 * 60)
    followup_routine_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    # Alerts: reminders to the issuer this many days before an alert's review date.
    alert_review_reminder_days: int = Field(default=14, ge=0, le=365)

    @field_validator("database_url")
    @classmethod
    def _psycopg_dialect(cls, value: str) -> str:
        # Operators paste libpq-style URLs; SQLAlchemy needs the driver named to use psycopg 3.
        if value.startswith("postgres://"):
            value = "postgresql://" + value.removeprefix("postgres://")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'accord.db'}"

    @property
    def effective_secret_key_path(self) -> Path:
        """Where the installation's signing key lives (created by the security layer)."""
        return self.secret_key_path or self.data_dir / "secret.key"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
