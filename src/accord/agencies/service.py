"""Business rules of the agency tree: look-ups, listing, the code scheme, import and export.

Codes follow one documented scheme (README, "Agency codes"): Chinese bureaus use their six-digit
administrative-division code; the Ministry is `MPS`, the XPCC bureau `XPCC`; a station is its
parent's code, a dash and a number (`310115-001`); foreign police are the ISO country code, a dash
and the city's UN/LOCODE letters (`VN-HAN`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from accord.agencies.models import ALLOWED_PARENTS, Agency, AgencyContact, Level
from accord.agencies.schemas import AgencyRecord, Contact
from accord.audit import service as audit
from accord.core import clock
from accord.core.errors import InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.core.jsonl import parse_records
from accord.core.pagination import DEFAULT_LIMIT, Page, paginate
from accord.security import policy
from accord.security.actor import Actor


class AgencyNotFound(NotFound):
    code = "agency_not_found"
    title = "Agency not found"


class InvalidAgencyImport(InvalidInput):
    code = "invalid_agency_import"
    title = "Agency import refused"


_DIVISION = re.compile(r"^\d{6}$")
_STATION = re.compile(r"^(?P<parent>\d{6})-\d{1,4}$")
_FOREIGN = re.compile(r"^(?P<country>[A-Z]{2})-[A-Z]{3}$")


# --- look-ups -------------------------------------------------------------------------------


def get_by_code(session: Session, code: str) -> Agency:
    agency = find_by_code(session, code)
    if agency is None:
        raise AgencyNotFound(f"no agency has the code {code!r}", field="code")
    return agency


def find_by_code(session: Session, code: str) -> Agency | None:
    return session.scalars(select(Agency).where(Agency.code == code.strip().upper())).one_or_none()


def list_agencies(
    session: Session,
    *,
    parent: str | None = None,
    level: Level | None = None,
    country: str | None = None,
    query: str | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[Agency]:
    """Agencies in code order, optionally under one parent, of one level or country, or matching."""
    stmt = select(Agency)
    if parent is not None:
        stmt = stmt.where(Agency.parent_id == get_by_code(session, parent).id)
    if level is not None:
        stmt = stmt.where(Agency.level == level)
    if country is not None:
        stmt = stmt.where(Agency.country == country.upper())
    if query:
        stmt = stmt.where(_matches(query))
    return paginate(session, stmt, keys=[Agency.code], cursor=cursor, limit=limit)


def all_agencies(session: Session) -> list[Agency]:
    return list(session.scalars(select(Agency).order_by(Agency.code)))


def roots(session: Session) -> list[Agency]:
    return list(
        session.scalars(select(Agency).where(Agency.parent_id.is_(None)).order_by(*_tree_order()))
    )


def children(session: Session, agency: Agency) -> list[Agency]:
    return list(
        session.scalars(
            select(Agency).where(Agency.parent_id == agency.id).order_by(*_tree_order())
        )
    )


def child_counts(session: Session, agencies: Sequence[Agency]) -> dict[Any, int]:
    """How many direct subordinates each of `agencies` has (absent means none)."""
    ids = [a.id for a in agencies]
    if not ids:
        return {}
    rows = session.execute(
        select(Agency.parent_id, func.count())
        .where(Agency.parent_id.in_(ids))
        .group_by(Agency.parent_id)
    )
    return dict(rows.all())


def subtree_ids(session: Session, agency_id: uuid.UUID) -> set[uuid.UUID]:
    """The agency and every agency below it (one recursive query, on either database)."""
    tree = select(Agency.id).where(Agency.id == agency_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Agency.id).where(Agency.parent_id == tree.c.id))
    return set(session.scalars(select(tree.c.id)))


def count_by_level(session: Session) -> dict[Level, int]:
    rows = session.execute(select(Agency.level, func.count()).group_by(Agency.level))
    return dict(rows.all())


def ancestors(agency: Agency) -> list[Agency]:
    """The chain from the root down to the agency's parent."""
    chain: list[Agency] = []
    node = agency.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def search(session: Session, text: str, *, limit: int = 20) -> list[Agency]:
    """Agencies whose code, prefix or name matches `text`, exact code first."""
    text = text.strip()
    if not text:
        return []
    exact = find_by_code(session, text)
    rows = list(
        session.scalars(select(Agency).where(_matches(text)).order_by(Agency.code).limit(limit))
    )
    if exact is not None:
        rows = [exact, *[a for a in rows if a.id != exact.id]][:limit]
    return rows


def _matches(text: str) -> Any:
    like = f"%{_escape_like(text.strip())}%"
    return or_(
        Agency.code.ilike(like, escape="\\"),
        Agency.prefix.ilike(like, escape="\\"),
        Agency.name_zh.ilike(like, escape="\\"),
        Agency.name_en.ilike(like, escape="\\"),
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _tree_order() -> tuple[Any, ...]:
    # The Ministry's tree first, then foreign police, each in code order.
    return (case((Agency.level == Level.MINISTRY, 0), else_=1), Agency.code)


# --- contact points ------------------------------------------------------------------------


def current_contacts(agency: Agency, on: date) -> list[AgencyContact]:
    """The contact points in force on `on` (an acting liaison only during the absence)."""
    return [
        c
        for c in agency.contacts
        if (c.valid_from is None or c.valid_from <= on) and (c.valid_to is None or on <= c.valid_to)
    ]


def set_contacts(session: Session, actor: Actor, code: str, contacts: Sequence[Contact]) -> Agency:
    """Replace an agency's contact points: its own admins and those of agencies above it."""
    agency = get_by_code(session, code)
    policy.require_agency(session, actor, "agencies.manage", agency.id)
    before = [Contact.model_validate(c).model_dump(mode="json") for c in agency.contacts]
    agency.contacts = [AgencyContact(position=i, **c.model_dump()) for i, c in enumerate(contacts)]
    agency.updated_at = clock.now()  # contact points are part of the agency: its version moves
    session.flush()
    audit.record(
        session,
        actor,
        action="agency.set_contacts",
        object_type="agency",
        object_id=agency.code,
        detail={"before": before, "after": [c.model_dump(mode="json") for c in contacts]},
    )
    return agency


# --- the code scheme ------------------------------------------------------------------------


def check_code(record: AgencyRecord, parent: AgencyRecord | None) -> str | None:
    """Why `record`'s code breaks the scheme under `parent`, or None if it keeps it."""
    code, level = record.code, record.level
    if level in (Level.FOREIGN_NATIONAL, Level.FOREIGN_CAPITAL):
        match = _FOREIGN.match(code)
        if level is Level.FOREIGN_CAPITAL and (match is None or match["country"] != record.country):
            return f"a foreign police code is the country code and city, e.g. {record.country}-XXX"
        if record.country == "CN":
            return "foreign police need their own country code"
        return None
    if record.country != "CN":
        return f"a {level.value} agency is Chinese: country must be CN"
    if level is Level.MINISTRY:
        return None if code == "MPS" else "the Ministry's code is MPS"
    if level is Level.STATION:
        match = _STATION.match(code)
        if match is None or parent is None or match["parent"] != parent.code:
            return "a station's code is its parent's code, a dash and a number, e.g. 310115-001"
        return None
    if not _DIVISION.match(code):
        if level is Level.PROVINCE and code == "XPCC":
            return None
        return f"a {level.value} bureau's code is its six-digit administrative-division code"
    if level is Level.PROVINCE and not code.endswith("0000"):
        return "a provincial code ends in 0000"
    if level is Level.CITY and (code.endswith("0000") or not code.endswith("00")):
        return "a city code ends in 00 (but not 0000)"
    if level is Level.COUNTY and code.endswith("00"):
        return "a county or district code does not end in 00"
    if parent is not None and _DIVISION.match(parent.code):
        shared = 2 if parent.level is Level.PROVINCE else 4
        if code[:shared] != parent.code[:shared]:
            return f"code {code} does not lie inside its parent's division {parent.code}"
    return None


# --- import and export ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def parse_lines(lines: Iterable[str]) -> list[tuple[int, AgencyRecord]]:
    """Validate every line; the first bad one raises, naming its line number and field."""
    return parse_records(lines, AgencyRecord, InvalidAgencyImport)


def import_records(
    session: Session, records: Sequence[tuple[int, AgencyRecord]], *, actor: Actor | None = None
) -> ImportResult:
    """Create or update agencies by code; all or nothing, parents before children.

    Nothing is written unless every record passes: the scheme, unique codes and prefixes, known
    parents, levels that fit, no cycle, and (with an `actor`) `agencies.manage` over each
    agency changed, or over the parent of each agency created. With an actor the import is
    audited; without one it is the installation's own loading (migrations, demo, tests).
    """
    existing = {a.code: a for a in all_agencies(session)}
    incoming: dict[str, tuple[int, AgencyRecord]] = {}
    for number, record in records:
        if record.code in incoming:
            raise _refuse(
                number, "code", f"code {record.code} also on line {incoming[record.code][0]}"
            )
        incoming[record.code] = (number, record)

    merged: dict[str, AgencyRecord] = {code: to_record(a) for code, a in existing.items()}
    merged.update({code: record for code, (_, record) in incoming.items()})
    _check_prefixes(merged, incoming)
    for code, (number, record) in incoming.items():
        parent = merged.get(record.parent) if record.parent else None
        if record.parent and parent is None:
            raise _refuse(
                number, "parent", f"parent {record.parent} is neither known nor in the file"
            )
        if (parent.level if parent else None) not in ALLOWED_PARENTS[record.level]:
            where = f"under a {parent.level.value}" if parent else "without a parent"
            raise _refuse(number, "parent", f"a {record.level.value} cannot stand {where}")
        if problem := check_code(record, parent):
            raise _refuse(number, "code", problem)
        _check_no_cycle(code, merged, number)

    if actor is not None and not actor.is_system:
        scope = policy.agencies_in_scope(session, actor, "agencies.manage")
        for code, (number, record) in incoming.items():
            owner = existing.get(code) or (existing.get(record.parent) if record.parent else None)
            if owner is None or not policy.in_scope(scope, owner.id):
                raise policy.PermissionDenied(
                    f"line {number}: {actor.username} may not manage agency {code}",
                    actor=actor,
                    permission="agencies.manage",
                )
    created = updated = 0
    changed: list[str] = []
    for code in _parents_first(incoming, merged):
        _, record = incoming[code]
        agency = existing.get(code)
        if agency is None:
            agency = Agency(id=uuid7(), code=code, contacts=[])
            session.add(agency)
            existing[code] = agency
            created += 1
            _apply(agency, record, existing)
            changed.append(code)
        elif _apply(agency, record, existing):
            updated += 1
            changed.append(code)
        session.flush()
    if actor is not None and changed:
        audit.record(
            session,
            actor,
            action="agency.import",
            object_type="agency",
            object_id=changed[0] if len(changed) == 1 else None,
            detail={"created": created, "updated": updated, "codes": changed[:500]},
        )
    return ImportResult(
        created=created, updated=updated, unchanged=len(incoming) - created - updated
    )


def import_lines(
    session: Session, lines: Iterable[str], *, actor: Actor | None = None
) -> ImportResult:
    return import_records(session, parse_lines(lines), actor=actor)


def to_record(agency: Agency) -> AgencyRecord:
    return AgencyRecord(
        code=agency.code,
        prefix=agency.prefix,
        name_zh=agency.name_zh,
        name_en=agency.name_en,
        level=agency.level,
        parent=agency.parent.code if agency.parent else None,
        country=agency.country,
        timezone=agency.timezone,
        jurisdiction=agency.jurisdiction,
        active=agency.active,
        contacts=[Contact.model_validate(c) for c in agency.contacts],
    )


def export_records(session: Session) -> list[AgencyRecord]:
    """Every agency in tree order (the Ministry's tree, then foreign police), parents first."""
    agencies = session.scalars(select(Agency).order_by(*_tree_order())).all()
    kids: dict[Any, list[Agency]] = {}
    for agency in agencies:
        kids.setdefault(agency.parent_id, []).append(agency)
    ordered: list[Agency] = []
    stack = list(reversed(kids.get(None, [])))
    while stack:
        agency = stack.pop()
        ordered.append(agency)
        stack.extend(reversed(kids.get(agency.id, [])))
    return [to_record(a) for a in ordered]


def _refuse(number: int, field: str, message: str) -> InvalidAgencyImport:
    return InvalidAgencyImport(
        f"line {number}: field {field!r}: {message}", field=field, line=number
    )


def _check_prefixes(
    merged: dict[str, AgencyRecord], incoming: dict[str, tuple[int, AgencyRecord]]
) -> None:
    owners: dict[str, str] = {}
    for code, record in merged.items():
        other = owners.setdefault(record.prefix, code)
        if other != code:
            clash = code if code in incoming else other
            raise _refuse(
                incoming[clash][0],
                "prefix",
                f"prefix {record.prefix} is already used by {other if clash == code else code}",
            )


def _check_no_cycle(code: str, merged: dict[str, AgencyRecord], number: int) -> None:
    seen = {code}
    node = merged[code].parent
    while node is not None:
        if node in seen:
            raise _refuse(number, "parent", f"parent chain of {code} loops back to {node}")
        seen.add(node)
        parent = merged.get(node)
        node = parent.parent if parent else None


def _parents_first(
    incoming: dict[str, tuple[int, AgencyRecord]], merged: dict[str, AgencyRecord]
) -> list[str]:
    def depth(code: str) -> int:
        n, node = 0, merged[code].parent
        while node is not None and node in merged:
            n, node = n + 1, merged[node].parent
        return n

    return sorted(incoming, key=lambda code: (depth(code), code))


def _apply(agency: Agency, record: AgencyRecord, by_code: dict[str, Agency]) -> bool:
    """Copy `record` onto `agency`; True if anything changed."""
    changed = False
    fields: dict[str, Any] = {
        "prefix": record.prefix,
        "name_zh": record.name_zh,
        "name_en": record.name_en,
        "level": record.level,
        "country": record.country,
        "timezone": record.timezone,
        "jurisdiction": record.jurisdiction,
        "active": record.active,
    }
    for name, value in fields.items():
        if getattr(agency, name, None) != value:
            setattr(agency, name, value)
            changed = True
    parent = by_code[record.parent] if record.parent else None
    if agency.parent is not parent:
        agency.parent = parent
        changed = True
    wanted = [c.model_dump() for c in record.contacts]
    current = [Contact.model_validate(c).model_dump() for c in agency.contacts]
    if wanted != current:
        agency.contacts = [AgencyContact(position=i, **c) for i, c in enumerate(wanted)]
        agency.updated_at = clock.now()
        changed = True
    return changed
