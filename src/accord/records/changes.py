"""How an owner's change reaches everyone concerned: the agencies that hold the record (they saw
it in full), the users watching its phones, accounts or person cluster, and the other domains
that keep something built from records (linkage registers into `ON_CHANGE` and `ON_WITHDRAW`
from `accord.wiring`).

Holders' notices cite the record's id and the owner's code only (they leave by e-mail and
webhook); all of it is queued in the outbox in the change's own transaction.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.notify import service as notify
from accord.records import access, watches
from accord.records.models import RecordHolder, SharedRecord
from accord.security.actor import Actor

Hook = Callable[[Session, list[SharedRecord]], None]

# Called after the change is flushed, in the same transaction: created and updated records
# (ON_CHANGE), withdrawn ones (ON_WITHDRAW).
ON_CHANGE: list[Hook] = []
ON_WITHDRAW: list[Hook] = []
CHUNK = 5000


def holders_of(session: Session, records: Sequence[SharedRecord]) -> dict[str, set[str]]:
    """The users told of each record's changes (record id -> user ids), from its holders."""
    ids = [r.id for r in records]
    users: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(ids), CHUNK):
        for holder in session.scalars(
            select(RecordHolder).where(RecordHolder.record_id.in_(ids[start : start + CHUNK]))
        ):
            users[str(holder.record_id)].update(holder.user_ids)
    return users


def tell_holders(
    session: Session, records: Sequence[SharedRecord], event: str, *, actor: Actor | None
) -> int:
    """Queue one notice per record to the users who hold it (never to the actor)."""
    if not records:
        return 0
    users = holders_of(session, records)
    agencies = access.agency_refs(session, {r.agency_id for r in records})
    me = str(actor.user_id) if actor is not None and actor.user_id is not None else None
    what = "withdrawn by its owner" if event == "record.withdrawn" else "updated by its owner"
    told = 0
    for r in records:
        to = sorted(u for u in users.get(str(r.id), ()) if u != me)
        if not to:
            continue
        code = agencies[r.agency_id].code
        message = notify.enqueue(
            session,
            event=event,
            title=f"共享记录 · Shared record {r.id} of {code}: {what} (version {r.version})",
            link=f"/records/{r.id}",
            to_users=[uuid.UUID(u) for u in to],
            dedupe_key=f"{access.OBJECT_TYPE}:{r.id}:{event}:{r.version}",
            data={"record_id": str(r.id), "agency": code, "version": r.version},
            handling_code=r.handling_code,
            handling_text=r.handling_text,
        )
        told += message is not None
    return told


def announce(
    session: Session,
    actor: Actor | None,
    *,
    created: Sequence[SharedRecord] = (),
    updated: Sequence[SharedRecord] = (),
    withdrawn: Sequence[SharedRecord] = (),
) -> None:
    """Everything a change sets off, in order: holders told, watchers told, the other domains'
    hooks called. Call it after the change is flushed."""
    tell_holders(session, updated, "record.updated", actor=actor)
    tell_holders(session, withdrawn, "record.withdrawn", actor=actor)
    fresh = [*created, *updated]
    if fresh:
        watches.notify_new_data(session, fresh, actor=actor)
    if withdrawn:
        watches.notify_withdrawn(session, withdrawn, actor=actor)
    if fresh:
        for hook in ON_CHANGE:
            hook(session, list(fresh))
    if withdrawn:
        for hook in ON_WITHDRAW:
            hook(session, list(withdrawn))
