"""Search over shared records by one box: a name in any script, a resident ID (15 or 18 digits),
a passport, a phone, an account or a plate.

The query is read into every key it may be (a name's blocking keys across scripts, the canonical
resident ID, E.164 phone, account digits, passport, plate readings); records are found through
their keys, names are then scored with the matching engine (张伟 finds ZHANG WEI and 張偉, not
王伟), and each result is shown as the searcher may see it. Another agency's records the rules
share as hit/no-hit only collapse to one "match at agency X" per agency, with the link to ask.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from accord.core.errors import InvalidInput
from accord.matching import identifiers, names
from accord.matching.numbers import normalise_account, normalise_phone
from accord.records import access, entities
from accord.records.access import FULL, HIT, AgencyRef, RecordView
from accord.records.models import RecordKey, SharedRecord
from accord.security import policy
from accord.security.actor import Actor

NAME_THRESHOLD = 0.75  # fuzzy spellings (0.6-0.85) above it, partial names (<= 0.6) below
CANDIDATES = 2000
MAX_LIMIT = 200
QUERY_MAX = 200


class InvalidSearch(InvalidInput):
    code = "invalid_record_search"
    title = "Invalid search"


_ID_LIKE = re.compile(r"^[\dXx\s\-]{15,22}$")
_DIALLED = re.compile(r"^[+\d\s\-().]{3,25}$")
_HAS_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")


def query_keys(text: str) -> list[tuple[str, str]]:
    """Every (kind, key) the query may be, most specific first."""
    q = unicodedata.normalize("NFKC", text or "").strip()[:QUERY_MAX]
    if not q:
        return []
    keys: list[tuple[str, str]] = []
    if _ID_LIKE.match(q):
        parsed = identifiers.parse_resident_id(q)
        if parsed is not None:
            keys.append((entities.RESIDENT_ID, parsed.value))
    if _DIALLED.match(q):
        phone = normalise_phone(q)
        if phone:
            keys.append((entities.PHONE, phone))
    if _HAS_DIGIT.search(q):
        account = normalise_account(q)
        if account:
            keys.append((entities.ACCOUNT, account))
        passport = identifiers.normalise_passport(q)
        if 5 <= len(passport) <= 20:
            keys.append((entities.PASSPORT, passport))
        keys.extend((entities.PLATE, p) for p in sorted(identifiers.plate_readings(q)))
    elif _LETTER.search(q):
        keys.extend((entities.NAME, k) for k in sorted(entities.name_keys(q, None)))
    return list(dict.fromkeys(keys))


@dataclass(frozen=True)
class Result:
    view: RecordView
    score: float
    matched: tuple[str, ...]  # the kinds of key that found it (name, phone ...)


@dataclass(frozen=True)
class AgencyGroup:
    """One agency's results: those the searcher sees in full, and whether others matched that
    the rules show as "match at agency X" only (`ask_link` then asks for them)."""

    agency: AgencyRef
    results: list[Result] = field(default_factory=list)
    match_only: bool = False
    ask_link: str = ""


@dataclass(frozen=True)
class SearchResult:
    query: str
    kinds: tuple[str, ...]
    groups: list[AgencyGroup]

    @property
    def total(self) -> int:
        return sum(len(g.results) + g.match_only for g in self.groups)

    def as_dict(self) -> dict[str, Any]:
        items: list[dict[str, Any]] = []
        for g in self.groups:
            for r in g.results:
                items.append({**r.view.as_dict(), "score": r.score, "matched": list(r.matched)})
            if g.match_only:
                items.append(
                    {
                        "view": HIT,
                        "agency": {
                            "code": g.agency.code,
                            "name_zh": g.agency.name_zh,
                            "name_en": g.agency.name_en,
                        },
                        "match": f"match at agency {g.agency.code}",
                        "ask": g.ask_link,
                    }
                )
        return {"query": self.query, "kinds": list(self.kinds), "results": items}


def _candidates(
    session: Session, keys: list[tuple[str, str]]
) -> dict[uuid.UUID, tuple[int, set[str]]]:
    """Live records sharing at least one key with the query: (keys shared, kinds), the records
    sharing most keys first, at most CANDIDATES."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, key in keys:
        by_kind[kind].append(key)
    condition = or_(*(and_(RecordKey.kind == k, RecordKey.key.in_(v)) for k, v in by_kind.items()))
    live = and_(SharedRecord.status == "active", SharedRecord.expires_on >= access.today())
    ranked = session.execute(
        select(RecordKey.record_id, func.count().label("shared"))
        .join(SharedRecord, SharedRecord.id == RecordKey.record_id)
        .where(condition, live)
        .group_by(RecordKey.record_id)
        .order_by(func.count().desc(), RecordKey.record_id)
        .limit(CANDIDATES)
    ).all()
    found = {row.record_id: (int(row.shared), set[str]()) for row in ranked}
    if found:
        for row in session.execute(
            select(RecordKey.record_id, RecordKey.kind).where(
                condition, RecordKey.record_id.in_(found)
            )
        ):
            found[row.record_id][1].add(row.kind)
    return found


def _name_score(probe: names.NameReading, record: SharedRecord) -> float:
    nationality = entities.nationality_of(record.properties)
    best = 0.0
    for text in [*record.properties.get("name", []), *record.properties.get("alias", [])]:
        stored = names.read_name(text, nationality=nationality)
        best = max(best, names.compare_names(probe, stored).score)
    return best


def search(
    session: Session,
    actor: Actor,
    *,
    q: str,
    purpose: str | None,
    limit: int = 50,
) -> SearchResult:
    """Records matching `q` that the actor may see, by agency; the search is audited with its
    purpose, the query's identifiers and every record found."""
    policy.require(actor, "records.read")
    keys = query_keys(q)
    query_subjects = entities.audit_keys(keys)
    stated = access.require_purpose(actor, purpose, action="record.search", subjects=query_subjects)
    if not keys:
        raise InvalidSearch(
            "type a name (any script), resident ID, passport, phone, account or plate", field="q"
        )
    limit = max(1, min(limit, MAX_LIMIT))
    found = _candidates(session, keys)
    records = list(session.scalars(select(SharedRecord).where(SharedRecord.id.in_(found))))
    modes = access.view_modes(session, actor, records)
    probe = names.read_name(q.strip()[:QUERY_MAX])
    scored: list[tuple[float, SharedRecord, tuple[str, ...]]] = []
    for record in records:
        if modes[record.id] is None:
            continue
        kinds = found[record.id][1]
        identified = kinds - {entities.NAME}
        if identified:
            score = 1.0
        elif record.schema == "Person":
            score = round(_name_score(probe, record), 3)
            if score < NAME_THRESHOLD:
                continue
        else:
            continue
        scored.append((score, record, tuple(sorted(kinds))))
    agencies = access.agency_refs(session, {r.agency_id for _, r, _ in scored})
    scored.sort(key=lambda item: (-item[0], agencies[item[1].agency_id].code, item[1].entity_id))
    scored = scored[:limit]

    groups: dict[uuid.UUID, list[Result]] = defaultdict(list)
    hidden: dict[uuid.UUID, list[SharedRecord]] = defaultdict(list)
    for score, record, matched in scored:
        if modes[record.id] == FULL:
            view = access.record_view(session, actor, record, FULL)
            groups[record.agency_id].append(Result(view, score, matched))
        else:
            hidden[record.agency_id].append(record)
    out: list[AgencyGroup] = []
    for agency_id in sorted(set(groups) | set(hidden), key=lambda a: agencies[a].code):
        agency = agencies[agency_id]
        hits = hidden.get(agency_id, [])
        schemas = {r.schema for r in hits}
        link = (
            access.ask_link(
                agency.code, schemas.pop() if len(schemas) == 1 else "", [r.id for r in hits]
            )
            if hits
            else ""
        )
        out.append(AgencyGroup(agency, groups.get(agency_id, []), bool(hits), link))
    shown = [r for _, r, _ in scored]
    access.audit_view(
        session,
        actor,
        action="record.searched",
        purpose=stated,
        records=shown,
        modes=modes,
        subjects=query_subjects,
        detail={"query": q.strip()[:QUERY_MAX], "kinds": sorted({k for k, _ in keys})},
    )
    return SearchResult(q.strip(), tuple(sorted({k for k, _ in keys})), out)
