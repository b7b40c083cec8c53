"""Who sees which shared record, and how: in full, as "match at agency X", or not at all.

The actor's own agency (and the agencies below it where their `records.read` grant covers
subordinates) sees its records in full. Another agency's record is seen through a zone both
agencies act under, by that zone's rule for the record's data kind (`record.<schema>`, links and
other schemas under `record.Event`) as it applies to the viewer's agency: `full` shows it, with
the stricter of the record's and the rule's handling code; `hit_no_hit` shows only "match at
agency X" (agency, schema, no properties) with a link to ask for it by an assistance request
(the Prüm two-step); `none` hides it. Every view of personal data states a purpose and is
audited with the records' identifiers as subjects; a full view by another agency makes that
agency a holder, told of the owner's later updates and withdrawal.

`record_view` is the one redaction every page, list and API answer goes through.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.audit import service as audit
from accord.audit.subjects import Subject
from accord.core import clock
from accord.core.errors import DomainError, InvalidInput, NotFound
from accord.core.handling import HandlingCode
from accord.records import entities
from accord.records.models import RecordHolder, SharedRecord
from accord.security import policy
from accord.security.actor import Actor
from accord.zones import service as zones_service
from accord.zones.sharing import ShareMode, SharingRule, rule_for

OBJECT_TYPE = "shared_record"
FULL = "full"
HIT = "hit"
PURPOSE_MAX = 300
_ORDER = {code.value: rank for rank, code in enumerate(HandlingCode)}


class RecordNotFound(NotFound):
    code = "record_not_found"
    title = "Record not found"


class RecordGone(DomainError):
    """The record was withdrawn by its owner, or has expired: it is no longer shared."""

    status = 410
    code = "record_gone"
    title = "Record no longer shared"


class PurposeRequired(InvalidInput):
    """A search or read of shared records without a purpose: refused, and the refusal is on
    file (an `AuditedRefusal`, written after the request's own work is rolled back)."""

    code = "purpose_required"
    title = "Purpose required"

    def __init__(self, actor: Actor, action: str, subjects: Sequence[Subject] = ()) -> None:
        super().__init__(
            "every search and read of shared records states its purpose", field="purpose"
        )
        self.actor = actor
        self.action = action
        self.subjects = tuple(subjects)

    def record_refusal(self, session: Session) -> None:
        audit.record(
            session,
            self.actor,
            action=f"{self.action}_refused",
            object_type=OBJECT_TYPE,
            outcome="refused",
            subjects=self.subjects,
            detail={"reason": "no purpose"},
        )


def require_purpose(
    actor: Actor, purpose: str | None, *, action: str, subjects: Sequence[Subject] = ()
) -> str:
    """The stated purpose, trimmed; refused (and audited) when there is none."""
    cleaned = (purpose or "").strip()
    if not cleaned:
        raise PurposeRequired(actor, action, subjects)
    return cleaned[:PURPOSE_MAX]


def today() -> date:
    """The date records expire by: the day in China, as zone memberships are counted."""
    return zones_service.today()


def is_live(record: SharedRecord, day: date | None = None) -> bool:
    """Active and not past its expiry: shared. Withdrawn and expired records leave every view."""
    return record.status == "active" and record.expires_on >= (day or today())


def stricter(a: str, b: str | None) -> str:
    """The stricter of two handling codes (H0 < H1 < H2 < H3)."""
    if b is None:
        return a
    return a if _ORDER.get(a, 0) >= _ORDER.get(b, 0) else b


# --- who sees what ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    """What the viewer may see of one owner's records of one data kind."""

    mode: str | None  # full | hit | None
    rule_code: str | None = None  # the zone rule's handling code (None: the viewer's own data)


NO_ACCESS = Access(None)


class Viewer:
    """One actor's view of other agencies' records, remembered per (owner agency, data kind)
    for the session (a list of 500 records of four agencies asks the zones' rules a few times,
    not 500 times)."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.system = actor.is_system
        self.agency_id = actor.agency_id
        self.reads = self.system or policy.allows(actor, "records.read")
        self.scope = (
            policy.agencies_in_scope(session, actor, "records.read") if self.reads else set()
        )
        self._zones: dict[uuid.UUID, set[uuid.UUID]] = {}
        self._rules: dict[tuple[uuid.UUID, str, uuid.UUID], SharingRule] = {}
        self._access: dict[tuple[uuid.UUID, str], Access] = {}

    def zones(self, agency_id: uuid.UUID) -> set[uuid.UUID]:
        if agency_id not in self._zones:
            found = zones_service.zones_for_agency(self.session, agency_id)
            self._zones[agency_id] = {z.id for z in found}
        return self._zones[agency_id]

    def rule(self, zone_id: uuid.UUID, kind: str, agency_id: uuid.UUID) -> SharingRule:
        key = (zone_id, kind, agency_id)
        if key not in self._rules:
            self._rules[key] = rule_for(self.session, zone_id, kind, agency_id)
        return self._rules[key]

    def access(self, owner_id: uuid.UUID, schema: str) -> Access:
        kind = entities.data_kind(schema)
        key = (owner_id, kind)
        if key not in self._access:
            self._access[key] = self._decide(owner_id, kind)
        return self._access[key]

    def _decide(self, owner_id: uuid.UUID, kind: str) -> Access:
        if not self.reads:
            return NO_ACCESS
        if self.system or policy.in_scope(self.scope, owner_id):
            return Access(FULL)
        if self.agency_id is None:
            return NO_ACCESS
        best = NO_ACCESS
        # Through every zone both act under; the most open path wins, and of two full paths
        # the one with the milder handling code.
        for zone_id in sorted(self.zones(self.agency_id) & self.zones(owner_id)):
            mine = self.rule(zone_id, kind, self.agency_id)
            if mine.mode is ShareMode.NONE:
                continue
            if self.rule(zone_id, kind, owner_id).mode is ShareMode.NONE:
                continue  # the owner shares nothing of this kind there (e.g. a subordinate)
            if mine.mode is ShareMode.FULL:
                code = mine.handling_code.value
                if best.mode != FULL or stricter(code, best.rule_code) == best.rule_code:
                    best = Access(FULL, code)
            elif best.mode is None:
                best = Access(HIT, mine.handling_code.value)
        return best


def viewer(session: Session, actor: Actor) -> Viewer:
    """The actor's viewer, one per session (its cache lives as long as the request)."""
    viewers: dict[Actor, Viewer] = session.info.setdefault("records.viewers", {})
    found = viewers.get(actor)
    if found is None:
        found = viewers[actor] = Viewer(session, actor)
    return found


def view_mode(session: Session, actor: Actor, record: SharedRecord) -> str | None:
    """How the actor may see the record: "full", "hit" (match at agency X only) or None."""
    return viewer(session, actor).access(record.agency_id, record.schema).mode


def view_modes(
    session: Session, actor: Actor, records: Iterable[SharedRecord]
) -> dict[uuid.UUID, str | None]:
    """`view_mode` of many records, by record id (the zones' rules asked once per owner and
    data kind)."""
    seen = viewer(session, actor)
    return {r.id: seen.access(r.agency_id, r.schema).mode for r in records}


# --- the one redaction -----------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyRef:
    id: uuid.UUID
    code: str
    name_zh: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh


@dataclass(frozen=True)
class PropertyView:
    name: str
    label: str  # FtM's English label (the pages translate it)
    values: tuple[str, ...]
    reference: bool = False


@dataclass(frozen=True)
class RecordView:
    """A record as one viewer may see it. A `hit` view carries the owner agency, the schema and
    the link to ask for it, and nothing else: no entity id, caption, properties or dates."""

    id: uuid.UUID
    mode: str
    agency: AgencyRef
    schema: str
    schema_label: str
    ask_link: str
    entity_id: str | None = None
    caption: str = ""
    properties: tuple[PropertyView, ...] = ()
    handling_code: str | None = None
    handling_text: str | None = None
    source_reliability: str | None = None
    information_accuracy: int | None = None
    recorded_on: date | None = None
    review_on: date | None = None
    expires_on: date | None = None
    version: int | None = None
    own: bool = False
    keys: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def redacted(self) -> bool:
        return self.mode != FULL

    def values(self, prop: str) -> tuple[str, ...]:
        return next((p.values for p in self.properties if p.name == prop), ())

    def as_dict(self) -> dict[str, Any]:
        """The view as the API shows it (a hit view: agency, schema and the link only)."""
        body: dict[str, Any] = {
            "id": str(self.id),
            "view": self.mode,
            "agency": {
                "code": self.agency.code,
                "name_zh": self.agency.name_zh,
                "name_en": self.agency.name_en,
            },
            "schema": self.schema,
        }
        if self.redacted:
            body["match"] = f"match at agency {self.agency.code}"
            body["ask"] = self.ask_link
            return body
        body.update(
            entity_id=self.entity_id,
            caption=self.caption,
            properties={p.name: list(p.values) for p in self.properties},
            handling_code=self.handling_code,
            handling_text=self.handling_text,
            source_reliability=self.source_reliability,
            information_accuracy=self.information_accuracy,
            recorded_on=self.recorded_on.isoformat() if self.recorded_on else None,
            review_on=self.review_on.isoformat() if self.review_on else None,
            expires_on=self.expires_on.isoformat() if self.expires_on else None,
            version=self.version,
        )
        return body


def agency_refs(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, AgencyRef]:
    wanted = set(ids)
    cache: dict[uuid.UUID, AgencyRef] = session.info.setdefault("records.agencies", {})
    missing = wanted - set(cache)
    if missing:
        rows = session.execute(
            select(Agency.id, Agency.code, Agency.name_zh, Agency.name_en).where(
                Agency.id.in_(missing)
            )
        )
        for row in rows:
            cache[row.id] = AgencyRef(row.id, row.code, row.name_zh, row.name_en)
    return {i: cache[i] for i in wanted if i in cache}


def ask_link(agency_code: str, schema: str, record_ids: Sequence[uuid.UUID]) -> str:
    """The new assistance request form, prefilled to ask the owner for the records (a records
    check addressed to it). The title names the agency and the kind of record only."""
    label = entities.schema_label(schema) if schema else "shared"
    query = {
        "addressee": agency_code,
        "request_type": "records_check",
        "title": f"核查共享记录 · Records check: {label} record(s) at {agency_code}",
        "description": "Shared record(s): " + ", ".join(str(i) for i in record_ids),
    }
    return "/assist/new?" + urlencode(query)


def record_view(
    session: Session, actor: Actor, record: SharedRecord, mode: str | None = None
) -> RecordView:
    """The record as `actor` may see it in `mode` (worked out when not given). Refuses (404) a
    record the actor may not see at all, so that no view is ever made of one."""
    access = viewer(session, actor).access(record.agency_id, record.schema)
    mode = mode or access.mode
    if mode is None or access.mode is None:
        raise RecordNotFound("no such shared record", field="record")
    if mode == FULL and access.mode != FULL:
        mode = HIT  # never more than the rules allow, whatever the caller asked
    agency = agency_refs(session, [record.agency_id])[record.agency_id]
    hit = RecordView(
        id=record.id,
        mode=HIT,
        agency=agency,
        schema=record.schema,
        schema_label=entities.schema_label(record.schema),
        ask_link=ask_link(agency.code, record.schema, [record.id]),
    )
    if mode != FULL:
        return hit
    code = stricter(record.handling_code, access.rule_code)
    properties = tuple(
        PropertyView(
            name,
            entities.property_label(record.schema, name),
            tuple(values),
            entities.is_reference(record.schema, name),
        )
        for name, values in record.properties.items()
        if values
    )
    return replace(
        hit,
        mode=FULL,
        entity_id=record.entity_id,
        caption=record.caption,
        properties=properties,
        handling_code=code,
        handling_text=record.handling_text if code == "H3" else None,
        source_reliability=record.source_reliability,
        information_accuracy=record.information_accuracy,
        recorded_on=record.recorded_on,
        review_on=record.review_on,
        expires_on=record.expires_on,
        version=record.version,
        own=access.rule_code is None,
        keys=tuple(sorted(entities.keys_of(record.schema, record.properties))),
    )


# --- audit and holders -----------------------------------------------------------------------


def record_subjects(records: Iterable[SharedRecord]) -> list[Subject]:
    """Whom views of these records concern: each record, and its identifiers (whatever the
    viewer was shown: the auditor asks who came across a person, redacted or not)."""
    found: list[Subject] = []
    for r in records:
        found.append(Subject("entity", str(r.id)))
        found.extend(entities.audit_keys(entities.keys_of(r.schema, r.properties)))
    return found


def audit_view(
    session: Session,
    actor: Actor,
    *,
    action: str,
    purpose: str,
    records: Sequence[SharedRecord],
    modes: dict[uuid.UUID, str | None],
    object_id: uuid.UUID | None = None,
    subjects: Sequence[Subject] = (),
    detail: dict[str, Any] | None = None,
) -> None:
    """One audit event for a view (a record page, a search): purpose, subjects, and which
    records were shown in full and which as a match only."""
    audit.record(
        session,
        actor,
        action=action,
        object_type=OBJECT_TYPE,
        object_id=object_id,
        purpose=purpose,
        subjects=[*subjects, *record_subjects(records)],
        detail={
            **(detail or {}),
            "full": [str(r.id) for r in records if modes.get(r.id) == FULL],
            "hit": [str(r.id) for r in records if modes.get(r.id) == HIT],
        },
    )


def note_holders(session: Session, actor: Actor, records: Iterable[SharedRecord]) -> None:
    """The actor's agency has now seen these records in full: it holds them (the owner's later
    changes reach the users recorded here)."""
    if actor.agency_id is None:
        return
    others = {r.id: r for r in records if r.agency_id != actor.agency_id}
    if not others:
        return
    held = {
        h.record_id: h
        for h in session.scalars(
            select(RecordHolder).where(
                RecordHolder.record_id.in_(others), RecordHolder.agency_id == actor.agency_id
            )
        )
    }
    user = str(actor.user_id) if actor.user_id is not None else None
    for record_id, record in others.items():
        holder = held.get(record_id)
        if holder is None:
            session.add(
                RecordHolder(
                    record_id=record_id,
                    agency_id=actor.agency_id,
                    user_ids=[user] if user else [],
                    first_seen_at=clock.now(),
                    seen_version=record.version,
                )
            )
            continue
        if user and user not in holder.user_ids:
            holder.user_ids = [*holder.user_ids, user]  # a new list: JSON columns track assignment
        holder.seen_version = record.version
    session.flush()
