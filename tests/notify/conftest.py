"""Fixtures of the notify tests: a committed database for the worker's jobs, and the doubles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from accord.core.db import make_engine, make_sessionmaker
from tests.notify.helpers import SmtpSink, WebhookReceiver


@pytest.fixture
def db(fresh_database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on a fresh database of their own: the jobs commit as in production."""
    engine = make_engine(fresh_database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    monkeypatch.setenv("ACCORD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ACCORD_SMTP_PORT", str(sink.port))
    monkeypatch.setenv("ACCORD_SMTP_FROM", "accord@example.test")
    monkeypatch.setenv("ACCORD_PUBLIC_URL", "https://accord.example.test")
    yield sink
    sink.stop()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    hook = WebhookReceiver()
    yield hook
    hook.stop()


@pytest.fixture(autouse=True)
def _no_smtp_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """E-mail is off unless a test starts the sink (an operator's environment must not leak in)."""
    for name in ("ACCORD_SMTP_HOST", "ACCORD_SMTP_USER", "ACCORD_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
