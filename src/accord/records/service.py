"""Shared records: import, read, search, withdraw, export; the hooks other domains plug into.

An agency shares intelligence as FollowTheMoney entities with provenance (`imports`); another
agency sees them as the zones' rules say (`access`: full, "match at agency X", or nothing);
every read and search states its purpose and is audited. The owner updates (by importing again)
and withdraws; the change reaches the holders, the watchers and the hooks (`changes`).

Linkage registers into `ON_CHANGE` (created and updated records) and `ON_WITHDRAW` from
`accord.wiring`; both are called after the change is flushed, in its transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.agencies.models import Agency
from accord.audit import service as audit
from accord.core import clock
from accord.core.errors import Conflict, InvalidInput
from accord.core.workflow import StaleState
from accord.records import access, changes, entities, watches
from accord.records.access import (
    FULL,
    PurposeRequired,
    RecordGone,
    RecordNotFound,
    RecordView,
    record_view,
    view_mode,
    view_modes,
)
from accord.records.changes import ON_CHANGE, ON_WITHDRAW
from accord.records.imports import Defaults, ImportResult, import_lines
from accord.records.models import RecordKey, SharedRecord
from accord.records.search import SearchResult, search
from accord.security import policy
from accord.security.actor import Actor

__all__ = [
    "ON_CHANGE",
    "ON_WITHDRAW",
    "Defaults",
    "ImportResult",
    "PurposeRequired",
    "RecordGone",
    "RecordNotFound",
    "RecordView",
    "SearchResult",
    "agency_for",
    "export_entities",
    "get_record",
    "import_lines",
    "list_records",
    "qualified_ids",
    "read_record",
    "record_view",
    "search",
    "view_mode",
    "view_modes",
    "withdraw",
]

CHUNK = 5000


class AlreadyWithdrawn(Conflict):
    code = "record_already_withdrawn"
    title = "Record already withdrawn"


class UnknownAgency(InvalidInput):
    code = "unknown_agency"
    title = "Unknown agency"


def agency_for(session: Session, code: str | None, field: str = "agency") -> Agency:
    """The agency of a code (refused naming `field`)."""
    found = agencies_service.find_by_code(session, (code or "").strip()) if code else None
    if found is None:
        raise UnknownAgency(f"no agency has the code {code!r}", field=field)
    return found


def get_record(session: Session, key: str | uuid.UUID) -> SharedRecord:
    """A record by its id (404 when there is none)."""
    try:
        record_id = key if isinstance(key, uuid.UUID) else uuid.UUID(str(key).strip())
    except ValueError:
        raise RecordNotFound(f"no shared record {key}", field="record") from None
    found = session.get(SharedRecord, record_id)
    if found is None:
        raise RecordNotFound(f"no shared record {key}", field="record")
    return found


def find_by_entity(session: Session, agency: Agency, entity_id: str) -> SharedRecord:
    found = session.scalar(
        select(SharedRecord).where(
            SharedRecord.agency_id == agency.id, SharedRecord.entity_id == entity_id.strip()
        )
    )
    if found is None:
        raise RecordNotFound(f"{agency.code} shares no record {entity_id!r}", field="entity_id")
    return found


# --- reading one record ----------------------------------------------------------------------


@dataclass(frozen=True)
class Related:
    """A record the case ties to this one, as the reader may see it: `relation` is the FtM
    label of the tie (Involved, Payer, Other link ...), `via` the UnknownLink it goes through."""

    relation: str
    view: RecordView
    via: RecordView | None = None
    role: str = ""


@dataclass(frozen=True)
class RecordRead:
    record: SharedRecord
    view: RecordView
    related: list[Related] = field(default_factory=list)
    cluster_key: str | None = None


def _live(session: Session, stmt: Any) -> list[SharedRecord]:
    day = access.today()
    return [r for r in session.scalars(stmt) if access.is_live(r, day)]


def _targets(session: Session, record: SharedRecord, ids: Iterable[str]) -> dict[str, SharedRecord]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    found = _live(
        session,
        select(SharedRecord).where(
            SharedRecord.agency_id == record.agency_id, SharedRecord.entity_id.in_(wanted)
        ),
    )
    return {r.entity_id: r for r in found}


def _related(
    session: Session, record: SharedRecord
) -> list[tuple[str, SharedRecord, SharedRecord | None, str]]:
    """(relation, record, via link, role) of what the record refers to and what refers to it;
    through an UnknownLink, the link's other end."""
    out: list[tuple[str, SharedRecord, SharedRecord | None, str]] = []
    refs = entities.references(record.schema, record.properties)
    targets = _targets(session, record, [t for _, t in refs])
    for prop, target in refs:
        if target in targets:
            out.append((entities.property_label(record.schema, prop), targets[target], None, ""))
    incoming = _live(
        session,
        select(SharedRecord)
        .join(RecordKey, RecordKey.record_id == SharedRecord.id)
        .where(RecordKey.kind == entities.REF, RecordKey.key == str(record.id))
        .order_by(SharedRecord.schema, SharedRecord.entity_id),
    )
    links = [r for r in incoming if r.schema == "UnknownLink"]
    ends = _targets(
        session,
        record,
        [t for link in links for p, t in entities.references(link.schema, link.properties)],
    )
    for other in incoming:
        if other.schema != "UnknownLink":
            props = [
                p
                for p, t in entities.references(other.schema, other.properties)
                if t == record.entity_id
            ]
            label = entities.property_label(other.schema, props[0]) if props else ""
            out.append((label, other, None, ""))
            continue
        role = ", ".join(other.properties.get("role", []))
        for _, target in entities.references(other.schema, other.properties):
            end = ends.get(target)
            if end is not None and end.id != record.id:
                out.append((entities.schema_label(other.schema), end, other, role))
    return out


def read_record(
    session: Session, actor: Actor, key: str | uuid.UUID, *, purpose: str | None
) -> RecordRead:
    """One record as the actor may see it, with the case's related records (each redacted by
    its own rule) and its person cluster; audited with the purpose, and the actor's agency
    becomes a holder of what it saw in full. 404 for a record the actor may not see; 410 for
    one withdrawn or expired."""
    policy.require(actor, "records.read")
    record = get_record(session, key)
    mode = view_mode(session, actor, record)
    if mode is None:
        raise RecordNotFound(f"no shared record {key}", field="record")
    if not access.is_live(record):
        what = "withdrawn by its owner" if record.status == "withdrawn" else "expired"
        raise RecordGone(f"this record is no longer shared: {what}", field="record")
    subjects = access.record_subjects([record])
    stated = access.require_purpose(actor, purpose, action="record.read", subjects=subjects)
    view = record_view(session, actor, record, mode)
    related: list[Related] = []
    shown: list[SharedRecord] = [record]
    if mode == FULL:
        found = _related(session, record)
        modes = view_modes(
            session, actor, [r for _, r, via, _ in found] + [v for _, _, v, _ in found if v]
        )
        for relation, other, via, role in found:
            if modes.get(other.id) is None:
                continue
            via_view = None
            if via is not None and modes.get(via.id) is not None:
                via_view = record_view(session, actor, via, modes[via.id])
                shown.append(via)
            related.append(
                Related(
                    relation, record_view(session, actor, other, modes[other.id]), via_view, role
                )
            )
            shown.append(other)
    modes = view_modes(session, actor, shown)
    unique = list({r.id: r for r in shown}.values())
    access.audit_view(
        session,
        actor,
        action="record.read",
        purpose=stated,
        records=unique,
        modes=modes,
        object_id=record.id,
        detail={"entity_id": record.entity_id if mode == FULL else None},
    )
    access.note_holders(session, actor, [r for r in unique if modes.get(r.id) == FULL])
    cluster = None
    if record.schema == "Person" and mode == FULL:
        cluster = watches.cluster_keys(session, [record.id]).get(record.id)
    return RecordRead(record, view, related, cluster)


# --- withdrawing -------------------------------------------------------------------------------


def withdraw(session: Session, actor: Actor, record: SharedRecord, reason: str) -> SharedRecord:
    """The owner stops sharing the record: it leaves every search and view (its keys go), its
    holders and watchers are told, the hooks run. A second withdrawal is refused (409)."""
    policy.require(actor, "records.share")
    policy.require_agency(session, actor, "records.share", record.agency_id)
    cleaned = (reason or "").strip()
    if not cleaned:
        raise InvalidInput("say why the record is withdrawn", field="reason")
    if record.status == "withdrawn":
        raise AlreadyWithdrawn(f"record {record.entity_id} is already withdrawn", field="record")
    expected = record.version
    now = clock.now()
    result = cast(
        CursorResult[Any],
        session.execute(
            update(SharedRecord)
            .where(SharedRecord.id == record.id, SharedRecord.version == expected)
            .values(
                status="withdrawn",
                version=expected + 1,
                withdrawn_at=now,
                withdrawn_reason=cleaned[: entities.REASON_MAX],
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise StaleState(
            "this record was changed by someone else since you loaded it; reload and try again "
            "(withdraw not done)",
            action="withdraw",
            loaded_version=expected,
        )
    session.execute(
        delete(RecordKey)
        .where(RecordKey.record_id == record.id)
        .execution_options(synchronize_session=False)
    )
    session.refresh(record)
    audit.record(
        session,
        actor,
        action="record.withdrawn",
        object_type=access.OBJECT_TYPE,
        object_id=record.id,
        subjects=access.record_subjects([record]),
        detail={"entity_id": record.entity_id, "reason": record.withdrawn_reason},
    )
    changes.announce(session, actor, withdrawn=[record])
    return record


# --- lists, ids and export ---------------------------------------------------------------------


def list_records(
    session: Session,
    actor: Actor,
    *,
    agency: Agency | None = None,
    status: str | None = None,
    limit: int = 1000,
) -> list[SharedRecord]:
    """The records of the agencies in the actor's `records.read` scope (their own data), in
    entity id order; `agency` narrows to one of them."""
    policy.require(actor, "records.read")
    scope = policy.agencies_in_scope(session, actor, "records.read")
    stmt = select(SharedRecord).order_by(SharedRecord.agency_id, SharedRecord.entity_id)
    if scope is not policy.ALL:
        stmt = stmt.where(SharedRecord.agency_id.in_(scope or {uuid.UUID(int=0)}))
    if agency is not None:
        stmt = stmt.where(SharedRecord.agency_id == agency.id)
    if status:
        stmt = stmt.where(SharedRecord.status == status)
    return list(session.scalars(stmt.limit(limit)))


def colliding_ids(session: Session, entity_ids: Iterable[str] | None = None) -> set[str]:
    """Entity ids that more than one agency uses (all of them, or among `entity_ids`)."""
    stmt = (
        select(SharedRecord.entity_id)
        .group_by(SharedRecord.entity_id)
        .having(func.count(func.distinct(SharedRecord.agency_id)) > 1)
    )
    if entity_ids is None:
        return set(session.scalars(stmt))
    wanted = sorted(set(entity_ids))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        found |= set(
            session.scalars(stmt.where(SharedRecord.entity_id.in_(wanted[start : start + CHUNK])))
        )
    return found


def qualify(code: str, entity_id: str, colliding: set[str]) -> str:
    return f"{code}:{entity_id}" if entity_id in colliding else entity_id


def qualified_ids(session: Session, record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each record's entity id, or `CODE:id` (the owner's agency code) where more than one
    agency uses that entity id (withdrawn records count: an exported id never changes)."""
    ids = sorted(set(record_ids))
    rows: list[Any] = []
    for start in range(0, len(ids), CHUNK):
        rows.extend(
            session.execute(
                select(SharedRecord.id, SharedRecord.entity_id, SharedRecord.agency_id).where(
                    SharedRecord.id.in_(ids[start : start + CHUNK])
                )
            )
        )
    colliding = colliding_ids(session, [r.entity_id for r in rows])
    codes = {
        a.id: a.code for a in access.agency_refs(session, {r.agency_id for r in rows}).values()
    }
    return {r.id: qualify(codes[r.agency_id], r.entity_id, colliding) for r in rows}


def export_entities(
    session: Session,
    actor: Actor,
    *,
    agency: Agency | None = None,
    purpose: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Every live record the actor may see in full (all of them for the installation), as FtM
    entities with qualified ids, references rewritten to the qualified ids too, the owner's
    code and the provenance. A user states the purpose (the installation exports for linkage);
    the export is audited once it is read to the end."""
    stated = purpose.strip()[: access.PURPOSE_MAX] if purpose and purpose.strip() else None
    if not actor.is_system:
        policy.require(actor, "records.read")
        stated = access.require_purpose(actor, purpose, action="record.export")
    colliding = colliding_ids(session)
    day = access.today()
    stmt = (
        select(SharedRecord)
        .where(SharedRecord.status == "active", SharedRecord.expires_on >= day)
        .order_by(SharedRecord.agency_id, SharedRecord.entity_id)
    )
    if agency is not None:
        stmt = stmt.where(SharedRecord.agency_id == agency.id)
    count = 0
    last: tuple[uuid.UUID, str] | None = None
    while True:
        page = stmt
        if last is not None:
            page = stmt.where(
                (SharedRecord.agency_id > last[0])
                | ((SharedRecord.agency_id == last[0]) & (SharedRecord.entity_id > last[1]))
            )
        batch = list(session.scalars(page.limit(CHUNK)))
        if not batch:
            break
        last = (batch[-1].agency_id, batch[-1].entity_id)
        modes = view_modes(session, actor, batch)
        codes = access.agency_refs(session, {r.agency_id for r in batch})
        for r in batch:
            if modes[r.id] != FULL:
                continue
            code = codes[r.agency_id].code
            yield entity_of(r, code, colliding)
            count += 1
    audit.record(
        session,
        actor,
        action="record.exported",
        object_type=access.OBJECT_TYPE,
        purpose=stated,
        detail={"count": count, "agency": agency.code if agency else None},
    )


def entity_of(record: SharedRecord, code: str, colliding: set[str]) -> dict[str, Any]:
    """One record as an exported FtM entity line."""
    properties: dict[str, list[str]] = {}
    for name, values in record.properties.items():
        if entities.is_reference(record.schema, name):
            properties[name] = [qualify(code, v, colliding) for v in values]
        else:
            properties[name] = list(values)
    line: dict[str, Any] = {
        "id": qualify(code, record.entity_id, colliding),
        "schema": record.schema,
        "properties": properties,
        "agency": code,
        "handling_code": record.handling_code,
        "source_reliability": record.source_reliability,
        "information_accuracy": record.information_accuracy,
        "recorded_on": record.recorded_on.isoformat(),
        "review_on": record.review_on.isoformat(),
        "expires_on": record.expires_on.isoformat(),
    }
    if record.handling_text:
        line["handling_text"] = record.handling_text
    return line


def records_of(session: Session, ids: Sequence[uuid.UUID]) -> list[SharedRecord]:
    """Records by id (any status), for callers holding ids (jobs, other domains)."""
    found: list[SharedRecord] = []
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        found.extend(
            session.scalars(
                select(SharedRecord).where(SharedRecord.id.in_(ordered[start : start + CHUNK]))
            )
        )
    return found
