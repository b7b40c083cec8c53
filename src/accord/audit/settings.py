"""Settings of the audit trail (`ACCORD_AUDIT_*`), kept beside it rather than in core.config."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from accord.core.config import get_settings

SIGNING_KEY_FILE = "audit-ed25519.pem"


class AuditSettings(BaseSettings):
    """How often the chain is checkpointed; read afresh by each chainer run (it is cheap)."""

    model_config = SettingsConfigDict(env_prefix="ACCORD_", extra="ignore")

    audit_checkpoint_every: int = Field(default=100, ge=1, le=1_000_000)


def checkpoint_every() -> int:
    """Chained events between two signed checkpoints (`ACCORD_AUDIT_CHECKPOINT_EVERY`)."""
    return AuditSettings().audit_checkpoint_every


def signing_key_path() -> Path:
    """Where this installation's checkpoint signing key lives: `<data_dir>/audit-ed25519.pem`."""
    return get_settings().data_dir / SIGNING_KEY_FILE
