"""FastAPI dependencies: the database session of a request.

The route commits once when it changes data. On any error the session rolls back; a refused
permission is then recorded as an audit event in its own small transaction, so that the
refusal is on file even though the request changed nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session


def get_session(request: Request) -> Iterator[Session]:
    # A state-changing request takes SQLite's write lock at BEGIN (see accord.core.db).
    yield from _session(request, writes=request.method not in ("GET", "HEAD", "OPTIONS"))


def get_audited_read_session(request: Request) -> Iterator[Session]:
    """The session of a GET whose read is audited, and so writes: a write session (BEGIN
    IMMEDIATE on SQLite), or a writer committing between our read and our audit event would make
    the request fail with "database is locked"."""
    yield from _session(request, writes=True)


def _session(request: Request, *, writes: bool) -> Iterator[Session]:
    state = request.app.state
    factory = (
        getattr(state, "write_sessionmaker", state.sessionmaker) if writes else state.sessionmaker
    )
    session: Session = factory()
    try:
        yield session
    except Exception as exc:
        session.rollback()
        from accord.security.denials import record_denial

        if record_denial(session, request, exc):
            session.commit()
        raise
    finally:
        session.rollback()
        session.close()


DbSession = Annotated[Session, Depends(get_session)]
AuditedReadSession = Annotated[Session, Depends(get_audited_read_session)]
