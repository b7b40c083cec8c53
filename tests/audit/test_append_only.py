"""The database itself refuses to change or remove audit rows (triggers of migration 0003)."""

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from accord.audit import chain, service, subjects
from accord.audit.models import APPEND_ONLY_TABLES
from accord.security.actor import Actor

A_COLUMN = {
    "audit_events": "purpose",
    "audit_subjects": "key",
    "audit_chain": "hash",
    "audit_checkpoints": "hash",
    "audit_keys": "public_key",
}


@pytest.fixture
def filled(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    """One row in every audit table."""
    monkeypatch.setenv("ACCORD_AUDIT_CHECKPOINT_EVERY", "1")
    service.record(
        session, Actor.system(), action="check.person", subjects=[subjects.passport("E1")]
    )
    chain.chain_pending(session)
    chain.write_due_checkpoints(session)
    session.commit()
    return session


def count(session: Session, table: str) -> int:
    return int(session.scalar(select(func.count()).select_from(text(table))) or 0)


def refused(session: Session, sql: str) -> None:
    with pytest.raises(DBAPIError, match="audit rows are append-only"), session.begin_nested():
        session.execute(text(sql))


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_update_is_refused(filled: Session, table: str) -> None:
    column = A_COLUMN[table]
    before = filled.execute(text(f"SELECT {column} FROM {table}")).scalars().all()  # noqa: S608
    refused(filled, f"UPDATE {table} SET {column} = 'x'")  # noqa: S608
    assert filled.execute(text(f"SELECT {column} FROM {table}")).scalars().all() == before  # noqa: S608


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_delete_is_refused(filled: Session, table: str) -> None:
    assert count(filled, table) == 1
    refused(filled, f"DELETE FROM {table} WHERE 1 = 1")  # noqa: S608
    assert count(filled, table) == 1


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_truncate_is_refused(filled: Session, table: str) -> None:
    # SQLite has no TRUNCATE: its equivalent is a DELETE without WHERE, which it would run as a
    # truncation if no trigger stood in the way.
    is_pg = filled.get_bind().dialect.name == "postgresql"
    refused(filled, f"TRUNCATE {table}" if is_pg else f"DELETE FROM {table}")  # noqa: S608
    assert count(filled, table) == 1
