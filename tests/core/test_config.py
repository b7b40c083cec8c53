from pathlib import Path

import pytest

from accord.core.config import Settings


def test_default_database_is_sqlite_in_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ACCORD_DATABASE_URL", raising=False)
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path))
    settings = Settings()
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'accord.db'}"
    assert settings.effective_secret_key_path == tmp_path / "secret.key"


@pytest.mark.parametrize(
    "given",
    ["postgres://u@h:5432/db", "postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"],
)
def test_postgresql_urls_use_psycopg3(monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    monkeypatch.setenv("ACCORD_DATABASE_URL", given)
    assert Settings().effective_database_url == "postgresql+psycopg://u@h:5432/db"
