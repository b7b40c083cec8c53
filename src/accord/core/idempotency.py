"""Idempotency-Key handling for creating POSTs: a retried request never creates twice.

A client sends `Idempotency-Key: <its own unique string>` with a creating POST. The key is
claimed, per sender, by inserting an `in_progress` row in a short transaction of its own, so a
concurrent twin sees the claim at once. The creating route then does its work and, *before* its
one commit, stores its response on the row (`guard.complete(response)`): the object and the
stored response are committed together, or neither is. Hence:

- a retry after success replays the stored response (same status and body, plus the header
  `Idempotency-Replayed: true`) and creates nothing;
- a retry while the first call still runs waits (polling every 50 ms, up to 10 s) for it to
  finish and replays it, or gets a 409 `idempotency_in_progress` if it does not finish in time;
- the same key with a different body, method or path is a 422 `idempotency_key_reused`;
- a failed call gives the key back (the claim is deleted), so the client may retry;
- a claim whose process died is taken over after a lease of 60 s; should the first call then
  still try to finish, its `complete()` finds the claim gone and it rolls back (409).

Keys are kept 24 hours. A request without the header proceeds unguarded, unless the route
passes `required=True`. Usage in a route (call it before the route reads anything, so that on
SQLite its own later write does not meet a snapshot the claim's commit has outdated):

    with idempotency.idempotent(request, session, actor, data) as guard:
        if guard.replay is not None:
            return guard.replay
        thing = service.create_thing(session, actor, data=data)
        response = JSONResponse(to_out(thing), status_code=201)
        guard.complete(response)
        session.commit()
        return response
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, cast

from fastapi import Request, Response
from pydantic import BaseModel
from sqlalchemy import JSON, Integer, String, Table, Text, delete, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from accord.core import clock
from accord.core.db import Base, UTCDateTime
from accord.core.errors import Conflict, InvalidInput
from accord.security.actor import Actor

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotency-Replayed"
KEY_TTL = timedelta(hours=24)
LEASE = timedelta(seconds=60)
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.05
# Response headers worth replaying; the rest (dates, lengths) are the server's to make anew.
REPLAYED_HEADERS = ("content-type", "location", "etag")

IN_PROGRESS = "in_progress"
DONE = "done"

_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


class IdempotencyKey(Base):
    """One claimed Idempotency-Key of one sender, and the response it produced."""

    __tablename__ = "idempotency_keys"

    actor_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    owner: Mapped[str | None] = mapped_column(String(64))
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class InvalidIdempotencyKey(InvalidInput):
    code = "invalid_idempotency_key"
    title = "Invalid Idempotency-Key"


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"
    title = "Idempotency-Key reused for another request"


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"
    title = "The first request with this Idempotency-Key is still running"


def actor_key(actor: Actor) -> str:
    """Whose keys these are: the user behind a session or token, else the actor's name."""
    return str(actor.user_id) if actor.user_id is not None else f"name:{actor.username}"[:80]


def request_hash(body: Any) -> str:
    """SHA-256 of the body in canonical form: JSON re-serialised with sorted keys.

    `body` may be raw bytes (JSON or not), a Pydantic model, or plain JSON-able data, so a
    route can pass whatever it has; the same logical request always hashes the same.
    """
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json")
    if isinstance(body, bytes | bytearray):
        try:
            body = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return hashlib.sha256(bytes(body)).hexdigest()
    canonical = json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class IdempotencyGuard:
    """The outcome of claiming a key: a response to replay, a claim to complete, or neither."""

    session: Session
    own: Session | None = None
    actor_key: str = ""
    key: str | None = None
    owner: str | None = None
    replay: Response | None = None
    completed: bool = field(default=False, init=False)

    @property
    def owns_claim(self) -> bool:
        return self.owner is not None

    def complete(self, response: Response) -> Response:
        """Store `response` on the claim, in the route's transaction (the route commits next)."""
        if self.owner is None:
            return response
        headers = {k: v for k, v in response.headers.items() if k.lower() in REPLAYED_HEADERS}
        body = bytes(response.body).decode("utf-8")
        result = cast(
            CursorResult[Any],
            self.session.execute(
                update(IdempotencyKey)
                .where(
                    IdempotencyKey.actor_key == self.actor_key,
                    IdempotencyKey.key == self.key,
                    IdempotencyKey.owner == self.owner,
                    IdempotencyKey.status == IN_PROGRESS,
                )
                .values(
                    status=DONE,
                    owner=None,
                    response_status=response.status_code,
                    response_body=body,
                    response_headers=headers,
                )
                .execution_options(synchronize_session=False)
            ),
        )
        if result.rowcount != 1:
            raise IdempotencyInProgress(
                "this request took so long that a retry with the same Idempotency-Key took it "
                "over; nothing was done here",
                field=HEADER,
            )
        self.completed = True
        return response

    def abandon(self) -> None:
        """Give the key back after a failure, so that the client may retry with it."""
        if self.owner is None or self.own is None:
            return
        own = self.own
        try:
            own.execute(
                delete(IdempotencyKey)
                .where(
                    IdempotencyKey.actor_key == self.actor_key,
                    IdempotencyKey.key == self.key,
                    IdempotencyKey.owner == self.owner,
                    IdempotencyKey.status == IN_PROGRESS,
                )
                .execution_options(synchronize_session=False)
            )
            own.commit()
        finally:
            self.owner = None
            self._close_own()

    def __enter__(self) -> IdempotencyGuard:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None and self.owner is not None:
            # The route's transaction may hold the claim's row (complete() ran, the commit did
            # not): release it first, or deleting the claim would wait for ourselves.
            self.session.rollback()
        if self.completed:
            self.owner = None
            self._close_own()
            return
        self.abandon()

    def _close_own(self) -> None:
        if self.own is not None and self.own is not self.session:
            self.own.close()
        self.own = None


def idempotent(
    request: Request,
    session: Session,
    actor: Actor,
    body: Any,
    *,
    required: bool = False,
) -> IdempotencyGuard:
    """Claim the request's Idempotency-Key, or find the response to replay.

    Raises 422 for a malformed or reused key (or a missing one when `required`), and 409 when
    the first request with the key is still running after the wait.
    """
    key = request.headers.get(HEADER)
    if key is None:
        if required:
            raise InvalidIdempotencyKey(f"this request must carry an {HEADER} header", field=HEADER)
        return IdempotencyGuard(session=session)
    if not _KEY.match(key):
        raise InvalidIdempotencyKey(
            f"{HEADER} must be 1 to 200 visible ASCII characters", field=HEADER
        )
    state = request.app.state
    own: Session = getattr(state, "write_sessionmaker", state.sessionmaker)()
    claim = _Claim(
        actor_key=actor_key(actor),
        key=key,
        method=request.method.upper(),
        path=request.url.path,
        request_hash=request_hash(body),
    )
    try:
        guard = _claim(own, session, claim)
    except BaseException:
        own.rollback()
        if own is not session:
            own.close()
        raise
    if guard.owner is None and own is not session:
        own.close()
    return guard


def purge_expired(session: Session) -> int:
    """Forget keys older than their 24 hours; returns how many (the caller commits)."""
    result = cast(
        CursorResult[Any],
        session.execute(
            delete(IdempotencyKey)
            .where(IdempotencyKey.expires_at <= clock.now())
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount


@dataclass(frozen=True)
class _Claim:
    actor_key: str
    key: str
    method: str
    path: str
    request_hash: str


def _claim(own: Session, session: Session, claim: _Claim) -> IdempotencyGuard:
    table = cast(Table, IdempotencyKey.__table__)
    pk = (IdempotencyKey.actor_key == claim.actor_key, IdempotencyKey.key == claim.key)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        now = clock.now()
        token = secrets.token_hex(16)
        try:
            own.execute(
                insert(table).values(
                    actor_key=claim.actor_key,
                    key=claim.key,
                    method=claim.method,
                    path=claim.path,
                    request_hash=claim.request_hash,
                    status=IN_PROGRESS,
                    owner=token,
                    created_at=now,
                    locked_until=now + LEASE,
                    expires_at=now + KEY_TTL,
                )
            )
            own.commit()
            return IdempotencyGuard(
                session=session, own=own, actor_key=claim.actor_key, key=claim.key, owner=token
            )
        except IntegrityError:
            own.rollback()
        row = own.execute(select(table).where(*pk)).mappings().one_or_none()
        own.commit()  # end the read, so the next look sees the other request's commit
        if row is None:
            continue  # given back meanwhile: claim it
        if row["expires_at"] <= now:
            _execute(own, delete(table).where(*pk, IdempotencyKey.expires_at <= now))
            continue
        if (row["method"], row["path"], row["request_hash"]) != (
            claim.method,
            claim.path,
            claim.request_hash,
        ):
            raise IdempotencyKeyReused(
                f"this {HEADER} was already used for a different request "
                f"({row['method']} {row['path']}); use a new key for a new request",
                field=HEADER,
            )
        if row["status"] == DONE:
            return IdempotencyGuard(session=session, replay=_replay(row))
        if row["locked_until"] <= now:
            taken = _execute(
                own,
                update(table)
                .where(*pk, IdempotencyKey.status == IN_PROGRESS, table.c.owner == row["owner"])
                .values(owner=token, locked_until=now + LEASE),
            )
            if taken == 1:
                return IdempotencyGuard(
                    session=session, own=own, actor_key=claim.actor_key, key=claim.key, owner=token
                )
            continue
        if time.monotonic() >= deadline:
            raise IdempotencyInProgress(
                f"a request with this {HEADER} is still running; retry later", field=HEADER
            )
        time.sleep(POLL_SECONDS)


def _execute(own: Session, statement: Any) -> int:
    result = cast(CursorResult[Any], own.execute(statement))
    own.commit()
    return result.rowcount


def _replay(row: Any) -> Response:
    headers = dict(row["response_headers"] or {})
    headers[REPLAYED_HEADER] = "true"
    return Response(
        content=(row["response_body"] or "").encode("utf-8"),
        status_code=int(row["response_status"]),
        headers=headers,
    )
