"""Attachment settings (prefix `ACCORD_`): where blobs live and how large an upload may be."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from accord.core.config import get_settings


class AttachmentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACCORD_", extra="ignore")

    attachments_max_bytes: int = 50 * 1024 * 1024
    attachments_dir: Path | None = None  # default: <data_dir>/blobs

    @property
    def blob_root(self) -> Path:
        return self.attachments_dir or get_settings().data_dir / "blobs"
