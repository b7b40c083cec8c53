"""Audit tests sign checkpoints: each gets a data directory (and so a signing key) of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.core.config import get_settings


@pytest.fixture(autouse=True)
def audit_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    data = tmp_path / "data"
    monkeypatch.setenv("ACCORD_DATA_DIR", str(data))
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()
