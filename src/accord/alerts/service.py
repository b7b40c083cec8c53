"""Alerts: issue, import, activate, cancel, fulfil, expire, review; who may see which.

An alert is issued by an agency for itself (permission `alerts.issue` there). By default it is
shared with every zone the issuer belongs to whose sharing rules share that kind of alert; an
issuer may name fewer zones. A resident ID with a wrong check digit is stored and flagged, never
refused: the number on file is what the issuer has, and the matching engine knows how to find
the intended one.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.agencies.models import Agency, ContactKind
from accord.alerts import index
from accord.alerts.kinds import SUBJECT_OF, AlertType, Priority, SubjectKind
from accord.alerts.models import Alert, AlertZone
from accord.alerts.schemas import AlertRecord
from accord.alerts.transitions import ALERT_TABLE, AlertStatus
from accord.audit import service as audit
from accord.audit import subjects as audit_subjects
from accord.audit.subjects import Subject
from accord.core import clock, refs
from accord.core.errors import Conflict, InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.core.jsonl import parse_records
from accord.core.workflow import transition
from accord.matching import identifiers, names
from accord.matching.facts import Facts
from accord.security import policy
from accord.security.actor import Actor
from accord.zones import service as zones_service
from accord.zones.models import Zone
from accord.zones.sharing import ShareMode, rule_for


class AlertNotFound(NotFound):
    code = "alert_not_found"
    title = "Alert not found"


class InvalidAlert(InvalidInput):
    code = "invalid_alert"
    title = "Invalid alert"


class DuplicateAlertRef(Conflict):
    code = "duplicate_alert_ref"
    title = "Alert reference already used"


# --- reading ------------------------------------------------------------------------------


def get_alert(session: Session, key: str | uuid.UUID) -> Alert:
    """An alert by id or by its reference."""
    found: Alert | None = None
    if isinstance(key, uuid.UUID):
        found = session.get(Alert, key)
    else:
        try:
            found = session.get(Alert, uuid.UUID(key))
        except ValueError:
            found = session.scalar(select(Alert).where(Alert.ref == key.strip()))
    if found is None:
        raise AlertNotFound(f"no alert {key}")
    return found


# Agencies move between provinces never and zones change their rules seldom, while every check
# asks both for each candidate: both answers are kept for a short while in the process. A rule
# changed by a new agreement version reaches checks within RULES_TTL seconds.
RULES_TTL = 30.0
_provinces: dict[uuid.UUID, tuple[uuid.UUID, float]] = {}
_agencies: dict[uuid.UUID, tuple[AgencyLabel | None, float]] = {}
_rules: dict[tuple[uuid.UUID, str, uuid.UUID, date], tuple[ShareMode, float]] = {}


def clear_caches() -> None:
    """Forget the remembered provinces and sharing rules (tests, and after an import)."""
    _provinces.clear()
    _rules.clear()
    _agencies.clear()


@dataclass(frozen=True)
class AgencyLabel:
    id: uuid.UUID
    code: str
    name_zh: str
    name_en: str
    ministry: bool

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh


def agency_label(session: Session, agency_id: uuid.UUID) -> AgencyLabel | None:
    """An agency's code and names, remembered for RULES_TTL seconds."""
    now = time.monotonic()
    cached = _agencies.get(agency_id)
    if cached is not None and cached[1] > now:
        return cached[0]
    row = session.execute(
        select(Agency.code, Agency.name_zh, Agency.name_en, Agency.level).where(
            Agency.id == agency_id
        )
    ).first()
    label = (
        AgencyLabel(agency_id, row.code, row.name_zh, row.name_en, row.level.value == "ministry")
        if row is not None
        else None
    )
    _agencies[agency_id] = (label, now + RULES_TTL)
    return label


def province_of(session: Session, agency_id: uuid.UUID) -> uuid.UUID:
    """The top of the agency's own tree below the ministry: its provincial bureau (or the
    foreign police it belongs to)."""
    now = time.monotonic()
    cached = _provinces.get(agency_id)
    if cached is not None and cached[1] > now:
        return cached[0]
    found = agency_id
    agency = session.get(Agency, agency_id)
    if agency is not None:
        chain = [*agencies_service.ancestors(agency), agency]
        found = next((n.id for n in chain if n.level.value != "ministry"), agency.id)
    _provinces[agency_id] = (found, now + RULES_TTL)
    return found


def sharing_mode(
    session: Session, zone_id: uuid.UUID, alert_type: str, agency_id: uuid.UUID
) -> ShareMode:
    """The zone's rule for this alert type as it applies to `agency_id` today (remembered for
    RULES_TTL seconds)."""
    now = time.monotonic()
    key = (zone_id, alert_type, agency_id, clock.now().date())
    cached = _rules.get(key)
    if cached is not None and cached[1] > now:
        return cached[0]
    mode = rule_for(session, zone_id, f"alert.{alert_type}", agency_id).mode
    if len(_rules) > 100_000:
        _rules.clear()
    _rules[key] = (mode, now + RULES_TTL)
    return mode


class Visibility:
    """What one agency may see of which alert: the alerts of its own provincial tree in full;
    another agency's alerts through a zone they share, by that zone's rule for the alert type
    (`full`, `hit_no_hit` = "match at agency X", or nothing). The ministry sees all in full."""

    def __init__(self, session: Session, agency_id: uuid.UUID | None) -> None:
        self.session = session
        self.agency_id = agency_id
        label = agency_label(session, agency_id) if agency_id else None
        self.national = label is not None and label.ministry
        self.province = province_of(session, agency_id) if agency_id else None

    def mode(
        self, issuer_id: uuid.UUID, alert_type: str, zone_ids: Iterable[uuid.UUID]
    ) -> ShareMode:
        if self.agency_id is None:
            return ShareMode.NONE
        if self.national or province_of(self.session, issuer_id) == self.province:
            return ShareMode.FULL
        best = ShareMode.NONE
        for zone_id in zone_ids:
            mode = sharing_mode(self.session, zone_id, alert_type, self.agency_id)
            if mode is ShareMode.FULL:
                return mode
            if mode is ShareMode.HIT_NO_HIT:
                best = mode
        return best


def visible_mode(session: Session, actor: Actor, alert: Alert) -> ShareMode:
    if actor.is_system:
        return ShareMode.FULL
    return Visibility(session, actor.agency_id).mode(
        alert.issuing_agency_id, alert.alert_type.value, alert.zone_ids
    )


def read_alert(session: Session, actor: Actor, key: str | uuid.UUID, *, purpose: str) -> Alert:
    """An alert the actor may read in full, its reading audited with `purpose`."""
    policy.require(actor, "alerts.read")
    alert = get_alert(session, key)
    if visible_mode(session, actor, alert) is not ShareMode.FULL:
        raise policy.PermissionDenied(
            f"{actor.username} may not read alert {alert.ref}",
            actor=actor,
            permission="alerts.read",
        )
    audit.record(
        session,
        actor,
        action="alert.read",
        object_type="alert",
        object_id=alert.id,
        purpose=purpose,
        subjects=alert_subjects(alert),
        detail={"ref": alert.ref},
    )
    return alert


def list_alerts(
    session: Session,
    actor: Actor,
    *,
    status: AlertStatus | None = None,
    alert_type: AlertType | None = None,
    limit: int = 100,
) -> list[Alert]:
    """The alerts issued by agencies in the actor's `alerts.read` scope, newest first."""
    scope = policy.agencies_in_scope(session, actor, "alerts.read")
    query = select(Alert).order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit)
    if scope is not policy.ALL:
        query = query.where(Alert.issuing_agency_id.in_(scope or {uuid.UUID(int=0)}))
    if status is not None:
        query = query.where(Alert.status == status)
    if alert_type is not None:
        query = query.where(Alert.alert_type == alert_type)
    return list(session.scalars(query))


def alert_subjects(alert: Alert) -> list[Subject]:
    """The audit subjects of an alert: itself and its identifiers."""
    return [Subject("entity", str(alert.id)), *subject_identifiers(alert.subject)]


def subject_identifiers(subject: dict[str, Any]) -> list[Subject]:
    found: list[Subject] = []
    for kind, field in (("resident_id", "id_number"), ("passport", "passport_number")):
        if subject.get(field):
            found.append(audit_subjects.Subject.of(kind, subject[field]))
    if subject.get("plate"):
        found.append(audit_subjects.Subject.of("plate", subject["plate"]))
    return found


# --- writing ------------------------------------------------------------------------------


def label_of(record: AlertRecord) -> str:
    """How the alert is named in lists: the person's name, or the object's identifier."""
    kind = SUBJECT_OF[record.type]
    if kind is SubjectKind.PERSON:
        return record.name or ""
    if kind is SubjectKind.VEHICLE:
        parts = [record.plate, record.vin, record.make, record.colour]
    elif kind is SubjectKind.DOCUMENT:
        parts = [record.document_type, record.document_number, record.issuing_country]
    else:
        parts = [record.drone_serial or record.registration_number, record.model]
    return " ".join(p for p in parts if p)[:300]


def flags_of(record: AlertRecord) -> list[str]:
    """What the issuer should know about the data as entered."""
    flags: list[str] = []
    if record.id_number:
        parsed = identifiers.parse_resident_id(record.id_number)
        if parsed is not None and not parsed.valid:
            flags.append("id_check_digit")
        if parsed is not None and parsed.legacy:
            flags.append("id_legacy_15")
        if (
            parsed is not None
            and record.birth_date
            and parsed.birth_date
            and not parsed.birth_date.isoformat().startswith(record.birth_date)
        ):
            flags.append("id_birth_date_mismatch")
    if record.vin:
        vin = identifiers.normalise_vin(record.vin)
        if vin is not None and not identifiers.vin_check_digit_ok(vin):
            flags.append("vin_check_digit")
    return flags


def name_readings(facts: Facts) -> list[Any]:
    """The subject's names read once, at issue, for every later check."""
    return [
        names.reading_to_data(names.read_name(n, nationality=facts.nationality))
        for n in facts.names
    ]


def default_action(alert_type: AlertType) -> str:
    return {
        AlertType.WANTED_ARREST: "Arrest the person and inform the issuing agency at once.",
        AlertType.WANTED_LOCATE: "Establish the place of residence; do not detain.",
        AlertType.MISSING_PERSON: "Place the person in safety if at risk; inform the issuer.",
        AlertType.DISCREET_CHECK: (
            "Discreet check: record place, time, route, vehicle, companions and items "
            "carried. Do not tell the subject."
        ),
        AlertType.STOLEN_VEHICLE: "Seize the vehicle; check the driver.",
        AlertType.STOLEN_DOCUMENT: "Seize the document; check the holder.",
        AlertType.DRONE: "Record the flight and the operator; inform the issuer.",
    }[alert_type]


def duty_contact(agency: Agency, on: date) -> str:
    """The issuer's 24/7 contact: its duty desk, else its liaison."""
    contacts = agencies_service.current_contacts(agency, on)
    for kind in (ContactKind.DUTY_DESK, ContactKind.ACTING_LIAISON, ContactKind.LIAISON):
        for c in contacts:
            if c.kind is kind and (c.phone or c.email):
                return " ".join(p for p in (c.phone, c.email) if p)[:200]
    return ""


class _Context:
    """Per-import caches: agencies by code, zones and rules per (issuer, type)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.agencies: dict[str, Agency | None] = {}
        self.zones: dict[tuple[uuid.UUID, AlertType], list[uuid.UUID]] = {}
        self.contacts: dict[uuid.UUID, str] = {}
        self.zone_codes: dict[str, Zone | None] = {}

    def agency(self, code: str) -> Agency | None:
        if code not in self.agencies:
            self.agencies[code] = agencies_service.find_by_code(self.session, code)
        return self.agencies[code]

    def default_zones(self, issuer: Agency, alert_type: AlertType) -> list[uuid.UUID]:
        key = (issuer.id, alert_type)
        if key not in self.zones:
            shared = []
            for zone in zones_service.zones_for_agency(self.session, issuer.id):
                rule = rule_for(self.session, zone.id, alert_type.data_kind, issuer.id)
                if rule.mode is not ShareMode.NONE:
                    shared.append(zone.id)
            self.zones[key] = shared
        return self.zones[key]

    def contact(self, issuer: Agency) -> str:
        if issuer.id not in self.contacts:
            self.contacts[issuer.id] = duty_contact(issuer, clock.now().date())
        return self.contacts[issuer.id]

    def zone(self, code: str) -> Zone | None:
        if code not in self.zone_codes:
            self.zone_codes[code] = self.session.scalar(select(Zone).where(Zone.code == code))
        return self.zone_codes[code]


def _zones_for(ctx: _Context, record: AlertRecord, issuer: Agency) -> list[uuid.UUID]:
    own = ctx.default_zones(issuer, record.type)
    if record.zones is None:
        return own
    chosen: list[uuid.UUID] = []
    memberships = {z.id for z in zones_service.zones_for_agency(ctx.session, issuer.id)}
    for code in record.zones:
        zone = ctx.zone(code)
        if zone is None:
            raise InvalidAlert(f"no zone {code}", field="zones")
        if zone.id not in memberships:
            raise InvalidAlert(f"{issuer.code} is not a member of zone {code}", field="zones")
        chosen.append(zone.id)
    return chosen


def _row(
    ctx: _Context,
    actor: Actor,
    record: AlertRecord,
    *,
    index_no: int,
    ref: str,
    now: datetime,
) -> tuple[dict[str, Any], list[uuid.UUID], Facts]:
    issuer = ctx.agency(record.issuing_agency)
    if issuer is None:
        raise InvalidAlert(f"no agency {record.issuing_agency}", field="issuing_agency")
    if not actor.is_system:
        policy.require_agency(ctx.session, actor, "alerts.issue", issuer.id)
    if record.expires_at is not None and record.expires_at.tzinfo is None:
        raise InvalidAlert("expires_at needs a time zone offset", field="expires_at")
    kind = SUBJECT_OF[record.type]
    subject = record.subject_fields(kind)
    facts = Facts.from_mapping(subject)
    active = record.status == "active"
    row = {
        "id": uuid7(),
        "ref": ref,
        "index_no": index_no,
        "alert_type": record.type,
        "subject_kind": kind,
        "status": AlertStatus.ACTIVE if active else AlertStatus.DRAFT,
        "priority": record.priority
        or (Priority.URGENT if record.type is AlertType.MISSING_PERSON else Priority.ROUTINE),
        "issuing_agency_id": issuer.id,
        "contact": record.contact or ctx.contact(issuer),
        "label": label_of(record),
        "subject": subject,
        "readings": name_readings(facts),
        "flags": flags_of(record),
        "legal_basis": record.legal_basis or "",
        "action_on_hit": record.action_on_hit or default_action(record.type),
        "handling_code": record.handling_code.value,
        "handling_text": record.handling_text,
        "misused_identity": record.misused_identity,
        "distinguishing_facts": record.distinguishing_facts or "",
        "review_on": record.review_on,
        "expires_at": record.expires_at,
        "activated_at": now if active else None,
        "closed_at": None,
        "closed_reason": None,
        "created_by": actor.username,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    return row, _zones_for(ctx, record, issuer), facts


def create_alert(session: Session, actor: Actor, record: AlertRecord) -> Alert:
    """Issue one alert (active, or a draft when `record.status` says so)."""
    ctx = _Context(session)
    issuer = ctx.agency(record.issuing_agency)
    if issuer is None:
        raise InvalidAlert(f"no agency {record.issuing_agency}", field="issuing_agency")
    now = clock.now()
    alert_id = uuid7()
    ref = record.ref
    if ref is None:
        ref = refs.allocate(
            session,
            agency_id=issuer.id,
            prefix=issuer.prefix,
            kind="alert",
            object_id=alert_id,
            title=label_of(record),
        )
    elif session.scalar(select(Alert.id).where(Alert.ref == ref)) is not None:
        raise DuplicateAlertRef(f"alert reference {ref} is already used", field="ref")
    number = index.allocate_numbers(session, 1)
    row, zone_ids, facts = _row(ctx, actor, record, index_no=number, ref=ref, now=now)
    row["id"] = alert_id
    session.execute(insert(Alert), [row])
    if zone_ids:
        session.execute(insert(AlertZone), [{"alert_id": alert_id, "zone_id": z} for z in zone_ids])
    index.write_keys(session, index.key_rows(number, facts))
    alert = get_alert(session, alert_id)
    audit.record(
        session,
        actor,
        action="alert.issued",
        object_type="alert",
        object_id=alert.id,
        subjects=alert_subjects(alert),
        detail={"ref": ref, "type": record.type.value, "status": row["status"].value},
    )
    return alert


@dataclass(frozen=True)
class ImportResult:
    imported: int
    digest: str


def import_lines(
    session: Session,
    actor: Actor,
    lines: Iterable[str],
    *,
    progress: Callable[[int], None] | None = None,
    chunk: int = 2000,
) -> ImportResult:
    """Import alerts, one JSON object a line (issue 6 §4); all or nothing.

    Every line is read and checked before anything is written; the first bad one is refused
    with its line number and field. A `ref` already on file, or twice in the file, is a bad
    line. The caller's transaction then holds every alert, its zones and its index keys.
    """
    digest = hashlib.sha256()
    records: list[tuple[int, AlertRecord]] = []
    seen: dict[str, int] = {}

    def hashed(source: Iterable[str]) -> Iterable[str]:
        for line in source:
            digest.update(line.encode("utf-8"))
            yield line

    for number, record in parse_records(hashed(lines), AlertRecord, error=InvalidAlert):
        if record.ref is None:
            raise InvalidAlert(f"line {number}: ref is required in an import", field="ref")
        if record.ref in seen:
            raise InvalidAlert(
                f"line {number}: ref {record.ref} already on line {seen[record.ref]}", field="ref"
            )
        seen[record.ref] = number
        records.append((number, record))
    existing = _existing_refs(session, list(seen))
    if existing:
        first = min(seen[r] for r in existing)
        ref = next(r for r in existing if seen[r] == first)
        raise InvalidAlert(f"line {first}: alert {ref} already exists", field="ref")
    ctx = _Context(session)
    now = clock.now()
    first_no = index.allocate_numbers(session, max(len(records), 1))
    done = 0
    for start in range(0, len(records), chunk):
        rows: list[dict[str, Any]] = []
        zone_rows: list[dict[str, Any]] = []
        key_rows: list[dict[str, int]] = []
        for offset, (number, record) in enumerate(records[start : start + chunk]):
            try:
                row, zone_ids, facts = _row(
                    ctx,
                    actor,
                    record,
                    index_no=first_no + start + offset,
                    ref=record.ref or "",
                    now=now,
                )
            except InvalidInput as exc:
                raise InvalidAlert(
                    f"line {number}: {exc.detail}", field=exc.field, line=number
                ) from exc
            rows.append(row)
            zone_rows.extend({"alert_id": row["id"], "zone_id": z} for z in zone_ids)
            key_rows.extend(index.key_rows(row["index_no"], facts))
        session.execute(insert(Alert), rows)
        if zone_rows:
            session.execute(insert(AlertZone), zone_rows)
        index.write_keys(session, key_rows)
        done += len(rows)
        if progress is not None:
            progress(len(rows))
    audit.record(
        session,
        actor,
        action="alert.imported",
        object_type="alert",
        detail={
            "count": done,
            "sha256": digest.hexdigest(),
            "first_ref": records[0][1].ref if records else None,
            "last_ref": records[-1][1].ref if records else None,
        },
    )
    return ImportResult(imported=done, digest=digest.hexdigest())


def _existing_refs(session: Session, candidates: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(candidates), 5000):
        chunk = candidates[start : start + 5000]
        found |= set(session.scalars(select(Alert.ref).where(Alert.ref.in_(chunk))))
    return found


# --- the status machine -------------------------------------------------------------------


def _require_issuer(session: Session, actor: Actor, alert: Alert) -> None:
    policy.require_agency(session, actor, "alerts.issue", alert.issuing_agency_id)


def _move(
    session: Session, actor: Actor, alert: Alert, action: str, *, reason: str | None = None
) -> Alert:
    now = clock.now()
    values: dict[str, Any] = {"updated_at": now}
    if action == "activate":
        values["activated_at"] = now
    else:
        values["closed_at"] = now
        values["closed_reason"] = reason
    transition(
        session,
        actor,
        alert,
        table=ALERT_TABLE,
        action=action,
        object_type="alert",
        reason=reason,
        subjects=alert_subjects(alert),
        detail={"ref": alert.ref},
        values=values,
    )
    return alert


def activate(session: Session, actor: Actor, alert: Alert) -> Alert:
    _require_issuer(session, actor, alert)
    return _move(session, actor, alert, "activate")


def cancel(session: Session, actor: Actor, alert: Alert, *, reason: str) -> Alert:
    _require_issuer(session, actor, alert)
    if not reason.strip():
        raise InvalidAlert("say why the alert is cancelled", field="reason")
    return _move(session, actor, alert, "cancel", reason=reason.strip())


def fulfil(session: Session, actor: Actor, alert: Alert, *, reason: str) -> Alert:
    """The issuer closes the alert after a confirmed hit (the person arrested, found...)."""
    _require_issuer(session, actor, alert)
    if not reason.strip():
        raise InvalidAlert("say how the alert was fulfilled", field="reason")
    return _move(session, actor, alert, "fulfil", reason=reason.strip())


def review(
    session: Session,
    actor: Actor,
    alert: Alert,
    *,
    review_on: date,
    expires_at: datetime | None = None,
) -> Alert:
    """The issuer has reviewed the alert: a new review date (and expiry, if given)."""
    _require_issuer(session, actor, alert)
    if alert.status is not AlertStatus.ACTIVE and alert.status is not AlertStatus.DRAFT:
        raise InvalidAlert(f"a {alert.status.value} alert is not reviewed", field="status")
    if review_on <= clock.now().date():
        raise InvalidAlert("the next review date is in the future", field="review_on")
    if expires_at is not None and expires_at <= clock.now():
        raise InvalidAlert("the expiry is in the future", field="expires_at")
    before = {"review_on": str(alert.review_on), "expires_at": str(alert.expires_at)}
    alert.review_on = review_on
    if expires_at is not None:
        alert.expires_at = expires_at
    alert.updated_at = clock.now()
    alert.version += 1
    session.flush()
    audit.record(
        session,
        actor,
        action="alert.reviewed",
        object_type="alert",
        object_id=alert.id,
        subjects=alert_subjects(alert),
        detail={"ref": alert.ref, "before": before, "review_on": str(review_on)},
    )
    return alert


def flag_misused_identity(session: Session, actor: Actor, alert: Alert, *, facts: str) -> Alert:
    """SIRENE form Q: the alert's identity is used by someone else; `facts` tell the real
    holder apart (shown to every officer whose check finds the alert)."""
    _require_issuer(session, actor, alert)
    if not facts.strip():
        raise InvalidAlert("state the facts that tell the real holder apart", field="facts")
    alert.misused_identity = True
    alert.distinguishing_facts = facts.strip()[:2000]
    alert.updated_at = clock.now()
    alert.version += 1
    session.flush()
    audit.record(
        session,
        actor,
        action="alert.misused_identity",
        object_type="alert",
        object_id=alert.id,
        subjects=alert_subjects(alert),
        detail={"ref": alert.ref},
    )
    return alert


def expire_due(session: Session, actor: Actor, *, now: datetime | None = None) -> int:
    """Move active alerts past their expiry to `expired` (checks ignore them already)."""
    at = now or clock.now()
    due = list(
        session.scalars(
            select(Alert)
            .where(Alert.status == AlertStatus.ACTIVE, Alert.expires_at <= at)
            .limit(1000)
        )
    )
    for alert in due:
        _move(session, actor, alert, "expire", reason="expiry date reached")
    return len(due)
