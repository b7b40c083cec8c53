"""Importing an agency's records: JSON lines of FollowTheMoney entities, all or nothing.

Every line is read and checked first (`entities.read_line`), then every reference is resolved to
an entity of the same file or one the agency already shares; the first bad line is refused with
its number and field and nothing is written. Then, in bulk: new entities are inserted, entities
whose properties or provenance differ are updated (version + 1, keys replaced), lines
`{"id": X, "withdrawn": true}` withdraw (keys dropped), the rest are left as they are. The change
is announced (holders, watchers, hooks) in the same transaction.

Provenance a line leaves out takes the import's defaults (H0, X, 4, or what the command says);
dates left out take recorded_on = today, review_on = +1 year, expires_on = +5 years for a new
record, and stay as they were for a record already shared (re-importing yesterday's file changes
nothing).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, text, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.audit import service as audit
from accord.audit.subjects import Subject
from accord.core import clock, handling
from accord.core.errors import Conflict
from accord.core.ids import uuid7
from accord.records import access, changes, entities, watches
from accord.records.entities import InvalidRecord, Line, refuse
from accord.records.models import RecordKey, SharedRecord
from accord.security import policy
from accord.security.actor import Actor

CHUNK = 2000
ANALYZE_FROM = 5000  # records created by one import
PROVENANCE = entities.PROVENANCE_KEYS


class ConcurrentImport(Conflict):
    code = "records_changed_meanwhile"
    title = "Records changed meanwhile"


@dataclass(frozen=True)
class Defaults:
    """The provenance of lines that do not state their own (the command's flags)."""

    handling_code: str = "H0"
    handling_text: str | None = None
    source_reliability: str = "X"
    information_accuracy: int = 4

    def checked(self) -> Defaults:
        """The defaults, or a refusal naming the flag that is wrong."""
        code, text = handling.check(self.handling_code, self.handling_text)
        reliability = (self.source_reliability or "").strip().upper()
        if reliability not in entities.RELIABILITIES:
            raise InvalidRecord("source reliability is A, B, C or X", field="source_reliability")
        if self.information_accuracy not in entities.ACCURACIES:
            raise InvalidRecord(
                "information accuracy is 1, 2, 3 or 4", field="information_accuracy"
            )
        assert code is not None
        return Defaults(code.value, text, reliability, self.information_accuracy)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    withdrawn: int
    record_ids: list[uuid.UUID] = field(default_factory=list)  # every line's record, in order
    digest: str = ""


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class _Existing:
    id: uuid.UUID
    schema: str
    status: str
    version: int
    values: dict[str, Any]  # properties, caption and provenance as stored


_STORED = (
    SharedRecord.id,
    SharedRecord.entity_id,
    SharedRecord.schema,
    SharedRecord.status,
    SharedRecord.version,
    SharedRecord.properties,
    SharedRecord.caption,
    SharedRecord.handling_code,
    SharedRecord.handling_text,
    SharedRecord.source_reliability,
    SharedRecord.information_accuracy,
    SharedRecord.recorded_on,
    SharedRecord.review_on,
    SharedRecord.expires_on,
)


def _existing(session: Session, agency_id: uuid.UUID, ids: set[str]) -> dict[str, _Existing]:
    ordered = sorted(ids)
    found: dict[str, _Existing] = {}
    for start in range(0, len(ordered), CHUNK):
        rows = session.execute(
            select(*_STORED).where(
                SharedRecord.agency_id == agency_id,
                SharedRecord.entity_id.in_(ordered[start : start + CHUNK]),
            )
        )
        for row in rows:
            values = {
                "schema": row.schema,
                "properties": row.properties,
                "caption": row.caption,
                **{k: getattr(row, k) for k in PROVENANCE},
            }
            found[row.entity_id] = _Existing(row.id, row.schema, row.status, row.version, values)
    return found


def _decode(lines: Iterable[str | Mapping[str, Any]], digest: Any) -> Iterable[tuple[int, Any]]:
    for number, line in enumerate(lines, start=1):
        if isinstance(line, Mapping):
            digest.update(json.dumps(line, sort_keys=True, ensure_ascii=False).encode("utf-8"))
            yield number, dict(line)
            continue
        digest.update(line.encode("utf-8"))
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidRecord(
                f"line {number}: not JSON ({exc.msg})", field="line", line=number
            ) from exc


def _provenance(line: Line, defaults: Defaults, old: _Existing | None, day: date) -> dict[str, Any]:
    p = line.provenance
    code = p.handling_code or defaults.handling_code
    text = p.handling_text if p.handling_code else defaults.handling_text
    if code != "H3":
        text = None
    if code == "H3" and not text:
        raise refuse(line.number, "handling_text", "H3 states its restriction in text")
    # A stored record keeps its dates unless the line restates them (or when it was recorded).
    if old is None or p.recorded_on is not None:
        recorded = p.recorded_on or day
        review_default, expires_default = add_years(recorded, 1), add_years(recorded, 5)
    else:
        recorded = old.values["recorded_on"]
        review_default, expires_default = old.values["review_on"], old.values["expires_on"]
    review = p.review_on or review_default
    expires = p.expires_on or expires_default
    if expires < recorded:
        raise refuse(line.number, "expires_on", "a record cannot expire before it was recorded")
    return {
        "handling_code": code,
        "handling_text": text,
        "source_reliability": p.source_reliability or defaults.source_reliability,
        "information_accuracy": p.information_accuracy or defaults.information_accuracy,
        "recorded_on": recorded,
        "review_on": review,
        "expires_on": expires,
    }


def _resolve(
    lines: Sequence[Line], by_id: Mapping[str, Line], existing: Mapping[str, _Existing], code: str
) -> None:
    """Refuse the first reference to nothing: neither in the file nor shared by the agency."""
    for line in lines:
        if line.withdrawn:
            continue
        for prop, target in line.refs:
            where = f"properties.{prop}"
            in_file = by_id.get(target)
            if in_file is not None and not in_file.withdrawn:
                target_schema = in_file.schema
            elif in_file is None and target in existing and existing[target].status == "active":
                target_schema = existing[target].schema
            else:
                raise refuse(
                    line.number,
                    where,
                    f"{target!r} is neither in this file nor a record {code} shares",
                )
            if not entities.refers_ok(line.schema, prop, target_schema):
                raise refuse(
                    line.number, where, f"a {target_schema} cannot be the {prop} of a {line.schema}"
                )


def _key_rows(
    record_id: uuid.UUID, line: Line, uuids: Mapping[str, uuid.UUID]
) -> list[dict[str, Any]]:
    keys = entities.keys_of(line.schema, line.properties)
    keys |= {(entities.REF, str(uuids[target])) for _, target in line.refs if target in uuids}
    return [{"record_id": record_id, "kind": k, "key": v} for k, v in sorted(keys)]


def _load(session: Session, ids: Sequence[uuid.UUID]) -> list[SharedRecord]:
    found: list[SharedRecord] = []
    for start in range(0, len(ids), CHUNK):
        found.extend(
            session.scalars(
                select(SharedRecord)
                .where(SharedRecord.id.in_(ids[start : start + CHUNK]))
                .execution_options(populate_existing=True)
            )
        )
    return found


def _compare_and_set(session: Session, rows: list[dict[str, Any]]) -> None:
    """Update rows whose version is still the one read; anything else lost a race."""
    if not rows:
        return
    table = cast(Table, SharedRecord.__table__)
    # The SET clause comes from the rows' column keys; b_id and b_version bind the WHERE.
    statement = update(table).where(
        table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version")
    )
    for start in range(0, len(rows), CHUNK):
        batch = rows[start : start + CHUNK]
        result = cast(CursorResult[Any], session.connection().execute(statement, batch))
        if result.rowcount != len(batch):
            raise ConcurrentImport(
                "some of these records were changed by someone else during the import; "
                "nothing was written: import the file again"
            )


def _drop_keys(session: Session, ids: Sequence[uuid.UUID]) -> None:
    for start in range(0, len(ids), CHUNK):
        session.execute(
            delete(RecordKey)
            .where(RecordKey.record_id.in_(ids[start : start + CHUNK]))
            .execution_options(synchronize_session=False)
        )


def import_lines(
    session: Session,
    actor: Actor,
    *,
    agency: Agency,
    lines: Iterable[str | Mapping[str, Any]],
    defaults: Defaults | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import one agency's records (JSON lines, or decoded objects); all or nothing."""
    policy.require(actor, "records.share")
    policy.require_agency(session, actor, "records.share", agency.id)
    chosen = (defaults or Defaults()).checked()
    digest = hashlib.sha256()
    parsed: list[Line] = []
    by_id: dict[str, Line] = {}
    for number, data in _decode(lines, digest):
        line = entities.read_line(number, data)
        if line.entity_id in by_id:
            first = by_id[line.entity_id].number
            raise refuse(number, "id", f"{line.entity_id!r} is already on line {first}")
        by_id[line.entity_id] = line
        parsed.append(line)
        if progress is not None and len(parsed) % 1000 == 0:
            progress(1000)
    if progress is not None and len(parsed) % 1000:
        progress(len(parsed) % 1000)

    wanted = set(by_id) | {target for line in parsed for _, target in line.refs}
    existing = _existing(session, agency.id, wanted)
    for line in parsed:
        if line.withdrawn and line.entity_id not in existing:
            raise refuse(
                line.number, "id", f"{agency.code} shares no record {line.entity_id!r} to withdraw"
            )
    _resolve(parsed, by_id, existing, agency.code)

    day = access.today()
    now = clock.now()
    uuids = {eid: old.id for eid, old in existing.items()}
    for line in parsed:
        uuids.setdefault(line.entity_id, uuid7())

    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    withdraw_rows: list[dict[str, Any]] = []
    key_rows: list[dict[str, Any]] = []
    created: list[uuid.UUID] = []
    updated: list[uuid.UUID] = []
    withdrawn: list[uuid.UUID] = []
    fresh_keys: set[tuple[str, str]] = set()
    unchanged = 0
    for line in parsed:
        old = existing.get(line.entity_id)
        record_id = uuids[line.entity_id]
        if line.withdrawn:
            assert old is not None
            if old.status == "withdrawn":
                unchanged += 1
                continue
            withdraw_rows.append(
                {
                    "b_id": record_id,
                    "b_version": old.version,
                    "status": "withdrawn",
                    "version": old.version + 1,
                    "withdrawn_at": now,
                    "withdrawn_reason": line.reason or "withdrawn by import",
                    "updated_at": now,
                }
            )
            withdrawn.append(record_id)
            continue
        values = {
            "schema": line.schema,
            "properties": line.properties,
            "caption": line.caption,
            **_provenance(line, chosen, old, day),
        }
        if old is not None and old.status == "active" and old.values == values:
            unchanged += 1
            continue
        rows = _key_rows(record_id, line, uuids)
        key_rows.extend(rows)
        fresh_keys.update((r["kind"], r["key"]) for r in rows)
        if old is None:
            new_rows.append(
                {
                    "id": record_id,
                    "agency_id": agency.id,
                    "entity_id": line.entity_id,
                    "status": "active",
                    "version": 1,
                    "withdrawn_at": None,
                    "withdrawn_reason": None,
                    "created_at": now,
                    "updated_at": now,
                    **values,
                }
            )
            created.append(record_id)
        else:
            changed_rows.append(
                {
                    "b_id": record_id,
                    "b_version": old.version,
                    "status": "active",
                    "version": old.version + 1,
                    "withdrawn_at": None,
                    "withdrawn_reason": None,
                    "updated_at": now,
                    **values,
                }
            )
            updated.append(record_id)

    _compare_and_set(session, changed_rows)
    _compare_and_set(session, withdraw_rows)
    _drop_keys(session, [*updated, *withdrawn])
    for start in range(0, len(new_rows), CHUNK):
        session.execute(insert(SharedRecord), new_rows[start : start + CHUNK])
    for start in range(0, len(key_rows), CHUNK * 5):
        session.execute(
            insert(cast(Table, RecordKey.__table__)), key_rows[start : start + CHUNK * 5]
        )
    session.flush()
    if len(new_rows) >= ANALYZE_FROM and session.get_bind().dialect.name == "postgresql":
        # A bulk load changes the tables' sizes by orders of magnitude before autovacuum next
        # looks: without fresh statistics the planner reads the next import's look-ups (and
        # the searches) with plans made for an empty table (seconds per query, not millis).
        session.execute(text("ANALYZE shared_records"))
        session.execute(text("ANALYZE record_keys"))

    audit.record(
        session,
        actor,
        action="record.imported",
        object_type=access.OBJECT_TYPE,
        subjects=[
            Subject.of("agency", agency.code),
            *(Subject("entity", str(i)) for i in withdrawn),
        ],
        detail={
            "agency": agency.code,
            "created": len(created),
            "updated": len(updated),
            "unchanged": unchanged,
            "withdrawn": len(withdrawn),
            "sha256": digest.hexdigest(),
        },
    )
    # Created records are loaded only when someone is to hear of them (a 40,000-line import
    # into an installation without watchers or hooks loads nothing back).
    listen = bool(changes.ON_CHANGE) or bool(watches.watching(session, fresh_keys))
    changes.announce(
        session,
        actor,
        created=_load(session, created) if listen else [],
        updated=_load(session, updated),
        withdrawn=_load(session, withdrawn),
    )
    return ImportResult(
        created=len(created),
        updated=len(updated),
        unchanged=unchanged,
        withdrawn=len(withdrawn),
        record_ids=[uuids[line.entity_id] for line in parsed],
        digest=digest.hexdigest(),
    )
