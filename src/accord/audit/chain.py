"""The hash chain over audit events, its signed checkpoints, and the verifier.

How order is kept without serialising the application (decided design): `record()` only INSERTs
the event, so application transactions never wait on each other for the chain. A separate
chainer, `chain_pending()`, run by the worker (`audit.jobs.chain_job`) and by `accord audit
chain|verify`, takes one lock (PostgreSQL: a transaction-level advisory lock; SQLite: its single
writer lock, taken up front), reads the chain's last position and hash, and links the committed
events not yet chained in (occurred_at, id) order into `audit_chain`, each with
hash = SHA-256(previous hash || canonical JSON of the event and its sorted subjects).
Only the chainer is serial. Chain order is therefore the order in which the chainer saw committed
events: an event whose transaction commits late gets a later position than events that occurred
after it, which is harmless because the event's own time is inside the hash.

Every `checkpoint_every()` positions the chainer signs the chain's hash with the installation's
Ed25519 key (after re-verifying the segment since the previous checkpoint, so it never signs
over tampering). `verify()` walks the chain recomputing every hash from the rows as they are
now and names the first break: a link whose event is gone (deleted), whose hash no longer
matches (altered), whose predecessor does not match, or a gap; then it checks every checkpoint's
signature and that the chain still reaches each checkpoint with the same hash, which is what
exposes a truncated tail. Events deleted before the chainer saw them cannot be detected: the
worker runs the chainer every few seconds to keep that window short.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, exists, func, insert, select, text
from sqlalchemy.orm import Session

from accord.audit import signing
from accord.audit.models import (
    AuditChainLink,
    AuditCheckpoint,
    AuditEvent,
    AuditKey,
    AuditSubject,
)
from accord.audit.settings import checkpoint_every
from accord.core import clock

GENESIS_HASH = "0" * 64
# pg_advisory_xact_lock key of the chainer ("ACCORD" in ASCII); any constant unique in the app.
CHAIN_LOCK_KEY = 0x4143434F5244
BATCH = 1000

# The event's columns, in the order they are hashed. Read as columns, never as ORM objects, so
# the chainer and the verifier both hash what the database holds, not what a session remembers.
EVENT_COLUMNS = (
    AuditEvent.id,
    AuditEvent.occurred_at,
    AuditEvent.actor_user_id,
    AuditEvent.actor_username,
    AuditEvent.actor_agency_id,
    AuditEvent.via,
    AuditEvent.action,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.purpose,
    AuditEvent.case_ref,
    AuditEvent.outcome,
    AuditEvent.client_addr,
    AuditEvent.detail,
)


class ChainSegmentBroken(RuntimeError):
    """The chainer refused to sign a checkpoint over a segment that does not verify."""


# --- hashing --------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def canonical_event(row: Row[Any], subjects: Sequence[tuple[str, str]]) -> bytes:
    """The event's bytes as hashed: JSON with sorted keys, no blanks, UTF-8, subjects sorted."""
    data = {
        column.key: _json_value(value) for column, value in zip(EVENT_COLUMNS, row, strict=True)
    }
    data["subjects"] = [list(s) for s in sorted(subjects)]
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link_hash(prev_hash: str, canonical: bytes) -> str:
    """SHA-256 over the previous hash (its 32 bytes) followed by the canonical event."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical).hexdigest()


def _events(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Row[Any]]:
    rows = session.execute(select(*EVENT_COLUMNS).where(AuditEvent.id.in_(ids))).all()
    return {row[0]: row for row in rows}


def _subjects(
    session: Session, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[str, str]]]:
    found: dict[uuid.UUID, list[tuple[str, str]]] = defaultdict(list)
    rows = session.execute(
        select(AuditSubject.event_id, AuditSubject.kind, AuditSubject.key).where(
            AuditSubject.event_id.in_(ids)
        )
    )
    for event_id, kind, key in rows:
        found[event_id].append((kind, key))
    return found


# --- the chainer ------------------------------------------------------------------------------


def _take_chain_lock(session: Session) -> None:
    """Make this transaction the only chainer until it ends."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    elif dialect == "sqlite":
        # SQLite has one writer, but a deferred transaction that reads first and writes later
        # fails (SQLITE_BUSY_SNAPSHOT) if another chainer committed in between. A write that
        # touches no row takes the write lock now, so a second chainer waits instead of failing.
        session.execute(text("DELETE FROM audit_chain WHERE 0"))


def _last_link(session: Session) -> tuple[int, str]:
    last = session.execute(
        select(AuditChainLink.position, AuditChainLink.hash)
        .order_by(AuditChainLink.position.desc())
        .limit(1)
    ).first()
    return (0, GENESIS_HASH) if last is None else (int(last[0]), str(last[1]))


def _unchained() -> Any:
    return ~exists().where(AuditChainLink.event_id == AuditEvent.id)


def chain_pending(session: Session, *, batch: int = BATCH, since: datetime | None = None) -> int:
    """Link every committed, not yet chained event into the chain; returns how many.

    With `since`, only events that occurred from then on are looked for: an index range scan
    instead of an anti-join over the whole log, for the worker's frequent runs. Anything older
    that is still unchained (a very long transaction, a skewed clock) is linked by the next
    full run (`since=None`), which the worker makes regularly and `accord audit chain|verify`
    always make. Call it in a transaction of its own (`audit.jobs.chain_job`), which commits.
    """
    _take_chain_lock(session)
    position, prev = _last_link(session)
    now = clock.now()
    total = 0
    window = [] if since is None else [AuditEvent.occurred_at >= since]
    while True:
        rows = session.execute(
            select(*EVENT_COLUMNS)
            .where(_unchained(), *window)
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        subjects = _subjects(session, [row[0] for row in rows])
        links: list[dict[str, Any]] = []
        for row in rows:
            position += 1
            digest = link_hash(prev, canonical_event(row, subjects.get(row[0], [])))
            links.append(
                {
                    "position": position,
                    "event_id": row[0],
                    "prev_hash": prev,
                    "hash": digest,
                    "chained_at": now,
                }
            )
            prev = digest
        session.execute(insert(AuditChainLink), links)
        total += len(rows)
        if len(rows) < batch:
            break
    return total


def pending_count(session: Session) -> int:
    """Events recorded but not chained yet."""
    return int(
        session.scalar(select(func.count()).select_from(AuditEvent).where(_unchained())) or 0
    )


# --- checkpoints ------------------------------------------------------------------------------


def _register_key(session: Session, key: signing.SigningKey) -> None:
    if session.get(AuditKey, key.key_id) is None:
        session.add(
            AuditKey(key_id=key.key_id, public_key=key.public_raw.hex(), created_at=clock.now())
        )
        session.flush()


def write_due_checkpoints(
    session: Session, *, every: int | None = None, key: signing.SigningKey | None = None
) -> list[int]:
    """Sign the chain at each multiple of `every` reached since the last checkpoint.

    Call it after `chain_pending` in the chainer's transaction (it relies on the chain lock).
    Before signing it re-verifies the segment since the previous checkpoint, and refuses
    (ChainSegmentBroken) rather than sign over a tampered chain.
    """
    every = every or checkpoint_every()
    last_cp = session.execute(
        select(AuditCheckpoint.position, AuditCheckpoint.hash)
        .order_by(AuditCheckpoint.position.desc())
        .limit(1)
    ).first()
    start, start_hash = (0, GENESIS_HASH) if last_cp is None else (int(last_cp[0]), last_cp[1])
    length, _ = _last_link(session)
    due = list(range((start // every + 1) * every, length + 1, every))
    if not due:
        return []
    walk = _walk(session, start=start + 1, prev=start_hash, end=due[-1], wanted=set(due))
    if walk.broken is not None:
        raise ChainSegmentBroken(
            f"not signing: chain broken at position {walk.broken.position}: {walk.broken.reason}"
        )
    key = key or signing.load_or_create()
    _register_key(session, key)
    for position in due:
        signed_at = clock.now()
        chain_hash = walk.hashes[position]
        message = signing.checkpoint_message(position, chain_hash, signed_at, key.key_id)
        session.add(
            AuditCheckpoint(
                position=position,
                hash=chain_hash,
                signed_at=signed_at,
                key_id=key.key_id,
                signature=key.sign(message).hex(),
            )
        )
    session.flush()
    return due


# --- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    position: int
    reason: str


@dataclass
class _Walk:
    checked: int
    length: int
    broken: Break | None
    hashes: dict[int, str]


def _walk(
    session: Session,
    *,
    start: int = 1,
    prev: str = GENESIS_HASH,
    end: int | None = None,
    wanted: Collection[int] = (),
) -> _Walk:
    """Recompute the chain from `start` (whose predecessor's hash is `prev`) up to `end`."""
    expected, checked = start, 0
    hashes: dict[int, str] = {}
    while end is None or expected <= end:
        stmt = (
            select(
                AuditChainLink.position,
                AuditChainLink.event_id,
                AuditChainLink.prev_hash,
                AuditChainLink.hash,
            )
            .where(AuditChainLink.position >= expected)
            .order_by(AuditChainLink.position)
            .limit(BATCH)
        )
        if end is not None:
            stmt = stmt.where(AuditChainLink.position <= end)
        links = session.execute(stmt).all()
        if not links:
            break
        ids = [link.event_id for link in links]
        events = _events(session, ids)
        subjects = _subjects(session, ids)
        for position, event_id, prev_hash, stored in links:
            if position != expected:
                reason = f"position {expected} is missing from the chain (its link was deleted)"
                return _Walk(checked, expected - 1, Break(expected, reason), hashes)
            if prev_hash != prev:
                reason = f"its previous hash does not match the hash of position {position - 1}"
                return _Walk(checked, position, Break(position, reason), hashes)
            event = events.get(event_id)
            if event is None:
                reason = f"event {event_id} is missing (deleted)"
                return _Walk(checked, position, Break(position, reason), hashes)
            if link_hash(prev, canonical_event(event, subjects.get(event_id, []))) != stored:
                reason = f"event {event_id} was altered: its hash no longer matches"
                return _Walk(checked, position, Break(position, reason), hashes)
            if position in wanted:
                hashes[position] = stored
            prev, expected, checked = stored, expected + 1, checked + 1
    return _Walk(checked, expected - 1, None, hashes)


@dataclass(frozen=True)
class CheckpointInfo:
    position: int
    signed_at: datetime
    key_id: str


@dataclass(frozen=True)
class VerifyResult:
    """What `verify` found: `ok`, how many links it `checked`, and the first break if any."""

    ok: bool
    checked: int
    first_break: int | None
    reason: str | None
    last_checkpoint: CheckpointInfo | None
    checkpoints: int
    pending: int

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.last_checkpoint is not None:
            data["last_checkpoint"]["signed_at"] = self.last_checkpoint.signed_at.isoformat()
        return data

    def summary(self) -> str:
        """One line: "audit chain intact: ..." or "audit chain broken at position P: ..."."""
        if not self.ok:
            return f"audit chain broken at position {self.first_break}: {self.reason}"
        where = (
            f"last checkpoint at position {self.last_checkpoint.position}"
            if self.last_checkpoint
            else "no checkpoint yet"
        )
        return f"audit chain intact: {self.checked} events, {where}"


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def verify(session: Session, *, trusted_keys: Collection[str] | None = None) -> VerifyResult:
    """Prove the chain intact or name its first break (see the module docstring).

    `trusted_keys` (hex raw public keys, as pinned from `accord audit export-key`) makes a
    checkpoint signed by any other key a break, so that a forger who re-signed the chain with a
    key of their own is caught too.
    """
    checkpoints = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.position)))
    last = checkpoints[-1] if checkpoints else None
    last_info = CheckpointInfo(last.position, last.signed_at, last.key_id) if last else None
    walk = _walk(session, wanted={cp.position for cp in checkpoints})
    broken = walk.broken
    if broken is None:
        broken = _check_checkpoints(session, checkpoints, walk, trusted_keys)
    return VerifyResult(
        ok=broken is None,
        checked=walk.checked,
        first_break=broken.position if broken else None,
        reason=broken.reason if broken else None,
        last_checkpoint=last_info,
        checkpoints=len(checkpoints),
        pending=pending_count(session),
    )


def _check_checkpoints(
    session: Session,
    checkpoints: Sequence[AuditCheckpoint],
    walk: _Walk,
    trusted_keys: Collection[str] | None,
) -> Break | None:
    keys = {k.key_id: k.public_key for k in session.scalars(select(AuditKey))}
    trusted = {k.lower() for k in trusted_keys} if trusted_keys is not None else None
    for cp in checkpoints:
        label = f"the checkpoint of position {cp.position} signed at {_when(cp.signed_at)}"
        public = keys.get(cp.key_id)
        if public is None:
            return Break(cp.position, f"{label} names an unknown key {cp.key_id}")
        if trusted is not None and public.lower() not in trusted:
            return Break(cp.position, f"{label} is signed by key {cp.key_id}, which is not trusted")
        message = signing.checkpoint_message(cp.position, cp.hash, cp.signed_at, cp.key_id)
        if not signing.verify_signature(public, cp.signature, message):
            return Break(cp.position, f"{label} has an invalid signature")
        if cp.position > walk.length:
            return Break(
                walk.length + 1,
                f"truncated after position {walk.length}: {label} is missing its events",
            )
        if walk.hashes.get(cp.position) != cp.hash:
            return Break(cp.position, f"the chain no longer matches {label}")
    return None
