"""Test fixtures: the same suite on SQLite and PostgreSQL (`--db`), schema made by migrations.

Each xdist worker migrates its own database once; each test runs inside an outer transaction
that is rolled back, with the code under test committing only savepoints. Tests that need
committed data seen by another connection (CLI, live server) take a `fresh_database_url`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from accord.core import migrate
from accord.core.clock import FrozenClock, use_clock
from accord.core.db import make_engine, reset_default_engine
from accord.web import i18n
from accord.web.app import create_app
from tests import template_coverage

FROZEN_AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="database backend of this run (PostgreSQL needs ACCORD_TEST_PG_URL)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    backend = config.getoption("--db")
    where = os.environ.get("ACCORD_TEST_PG_URL", "") if backend == "postgresql" else "files"
    return f"accord database backend: {backend} ({where})"


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--db") == "postgresql" and not os.environ.get("ACCORD_TEST_PG_URL"):
        raise pytest.UsageError(
            "--db postgresql needs ACCORD_TEST_PG_URL (make test starts a cluster)"
        )
    template_coverage.start_recording(config)


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Workers save what they rendered; the controller (or a run without xdist) judges.
    if hasattr(session.config, "workerinput") or not os.environ.get("PYTEST_XDIST_WORKER"):
        template_coverage.save(session.config)
    template_coverage.check(session)


@pytest.fixture(autouse=True)
def _default_locale() -> None:
    """Each test starts in the default UI language, whatever an earlier test switched to."""
    i18n.set_locale(i18n.DEFAULT_LOCALE)


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def worker(request: pytest.FixtureRequest) -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


class DatabaseFactory:
    """Makes migrated databases of the run's backend, and drops them at the end."""

    def __init__(self, backend: str, root: Path, worker: str) -> None:
        self.backend = backend
        self.root = root
        self.worker = worker
        self.template: str | None = None
        self.made: list[str] = []
        self._admin: Engine | None = None

    @property
    def admin(self) -> Engine:
        if self._admin is None:
            url = os.environ["ACCORD_TEST_PG_URL"]
            self._admin = create_engine(url, isolation_level="AUTOCOMMIT")
        return self._admin

    def _pg_url(self, name: str) -> str:
        base = os.environ["ACCORD_TEST_PG_URL"]
        return base.rsplit("/", 1)[0] + "/" + name

    def create(self, label: str) -> str:
        """A new, migrated, empty database; returns its URL."""
        name = f"accord_{self.worker}_{label}_{uuid.uuid4().hex[:8]}"
        if self.backend == "sqlite":
            url = f"sqlite:///{self.root / (name + '.db')}"
            engine = make_engine(url)
            migrate.upgrade(engine)
            engine.dispose()
            return url
        with self.admin.connect() as conn:
            if self.template is None:
                template = f"accord_{self.worker}_template"
                conn.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{template}"'))
                engine = make_engine(self._pg_url(template))
                migrate.upgrade(engine)
                engine.dispose()
                self.template = template
                self.made.append(template)
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        self.made.append(name)
        return self._pg_url(name)

    def drop_all(self) -> None:
        if self.backend != "postgresql":
            return
        with self.admin.connect() as conn:
            for name in reversed(self.made):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def databases(
    backend: str, worker: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(backend, tmp_path_factory.mktemp("db"), worker)
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session")
def engine(databases: DatabaseFactory) -> Iterator[Engine]:
    """This worker's database, migrated once."""
    engine = make_engine(databases.create("shared"))
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose every commit is a savepoint inside a transaction rolled back at the end."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def client(engine: Engine, session: Session) -> Iterator[TestClient]:
    """The application, answering from the test's session.

    Requests go through the real `get_session` (commit in the route, rollback on error, refusals
    audited); its commits and rollbacks only move savepoints inside the test's transaction, so
    test setup must be committed (the factories do) to survive a request that fails.
    """
    app = create_app(engine=engine)
    app.state.sessionmaker = app.state.write_sessionmaker = lambda: _KeepOpen(session)
    with TestClient(app) as test_client:
        yield test_client


class _KeepOpen:
    """The test's session as a request sees it: `close()` keeps the test's objects attached
    (the request's rollback still runs, so only uncommitted changes are dropped)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def close(self) -> None:
        return None

    def __getattr__(self, name: str) -> object:
        return getattr(self._session, name)


@pytest.fixture
def frozen_clock() -> Iterator[FrozenClock]:
    with use_clock(FrozenClock(FROZEN_AT)) as clock:
        assert isinstance(clock, FrozenClock)
        yield clock


@pytest.fixture
def fresh_database_url(databases: DatabaseFactory) -> str:
    """A migrated, empty database of its own, for code that commits on its own connections."""
    return databases.create("fresh")


@pytest.fixture
def cli_env(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[str]:
    """Point the `accord` command (run in-process) at a fresh database."""
    monkeypatch.setenv("ACCORD_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path / "data"))
    reset_default_engine()
    yield fresh_database_url
    reset_default_engine()


@pytest.fixture
def cli_db(cli_env: str) -> Iterator[Session]:
    """A session on the database the `accord` command uses (`cli_env`), committing for real:
    the command opens its own sessions and sees only what is committed."""
    engine = make_engine(cli_env)
    with Session(bind=engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()
