"""SQLAlchemy 2 engine, sessions and the declarative base shared by every domain.

SQLite runs in WAL mode with foreign keys on, and with SQLAlchemy (not the sqlite3 module) in
charge of BEGIN so that savepoints and rollbacks behave as on PostgreSQL. Sessions that will
write (`make_sessionmaker(engine, writes=True)`: state-changing requests, CLI commands, worker
jobs) begin IMMEDIATE on SQLite: they take the single write lock up front, waiting up to the busy
timeout, so a transaction that reads and then writes cannot fail half-way because another
connection committed in between (a deferred BEGIN answers that with "database is locked" at
once). Read-only sessions begin deferred and never wait (WAL). PostgreSQL ignores the option.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from accord.core import clock
from accord.core.ids import uuid7

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no timezone type and hands back naive values; PostgreSQL uses timestamptz.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use accord.core.clock.now()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=lambda: clock.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=lambda: clock.now(), onupdate=lambda: clock.now()
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # A check reads index and alert pages scattered over a database of gigabytes; SQLite's
        # default 2 MB page cache per connection would send most of them to the disk again.
        cursor.execute("PRAGMA cache_size=-131072")  # 128 MiB
        cursor.execute("PRAGMA mmap_size=4294967296")  # read through the OS page cache
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`, configured for Accord's conventions on either backend."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


def make_sessionmaker(engine: Engine, *, writes: bool = False) -> sessionmaker[Session]:
    """Sessions on `engine`; `writes=True` for units of work that change data (see above)."""
    bind = engine.execution_options(sqlite_immediate=True) if writes else engine
    return sessionmaker(bind=bind, expire_on_commit=False)


def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for one unit of work; rolled back unless the caller committed."""
    session = factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


_engine: Engine | None = None


def default_engine() -> Engine:
    """The process-wide engine for the configured database, made on first use."""
    global _engine
    if _engine is None:
        from accord.core.config import get_settings

        settings = get_settings()
        if settings.effective_database_url.startswith("sqlite"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        _engine = make_engine(settings.effective_database_url, echo=settings.sql_echo)
    return _engine


def reset_default_engine() -> None:
    """Forget the process-wide engine (and settings), so the next use reads the environment anew."""
    global _engine
    from accord.core.config import get_settings

    if _engine is not None:
        _engine.dispose()
    _engine = None
    get_settings.cache_clear()
