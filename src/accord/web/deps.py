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
    writes = request.method not in ("GET", "HEAD", "OPTIONS")
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
