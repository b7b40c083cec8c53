"""Checks against alerts: one officer's check, and batch screening of many probes.

A check states its purpose (refused without one, and the refusal is on file), finds its
candidates through the shared index, scores each with the matching engine, keeps those the
checker may see under the zones' rules (hit/no-hit-only alerts shown as "match at agency X"),
marks people cleared earlier ("cleared on DATE by AGENCY"), and is audited with the probe's
identifiers and every candidate as subjects.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.alerts import clearances as clearance_rules
from accord.alerts import index
from accord.alerts.kinds import TYPE_RANK, AlertType, Priority
from accord.alerts.models import Alert, AlertZone, Check, Clearance
from accord.alerts.schemas import Probe
from accord.alerts.service import AgencyLabel, Visibility, agency_label, subject_identifiers
from accord.audit import service as audit
from accord.audit.subjects import Subject
from accord.core import clock
from accord.core.errors import InvalidInput
from accord.core.ids import uuid7
from accord.matching import blocking, names
from accord.matching.facts import Facts
from accord.matching.scoring import BAND_ORDER, HIT, NO_HIT, POSSIBLE, Assessment, assess
from accord.security import policy
from accord.security.actor import Actor
from accord.zones.sharing import ShareMode

MAX_CANDIDATES = 10  # in a result (issue 6 §4)
MAX_SCORED = 60  # scored per probe: those sharing the rarest keys with it
CLEARED = "cleared"

_COLUMNS = (
    Alert.id,
    Alert.ref,
    Alert.index_no,
    Alert.alert_type,
    Alert.priority,
    Alert.issuing_agency_id,
    Alert.subject,
    Alert.readings,
    Alert.label,
    Alert.contact,
    Alert.action_on_hit,
    Alert.handling_code,
    Alert.handling_text,
    Alert.misused_identity,
    Alert.distinguishing_facts,
    Alert.status,
    Alert.expires_at,
)


class PurposeRequired(InvalidInput):
    """A check without a purpose: refused, and the refusal audited (`AuditedRefusal`)."""

    code = "purpose_required"
    title = "Purpose required"

    def __init__(self, actor: Actor, probe: dict[str, Any]) -> None:
        super().__init__("every check states its purpose", field="purpose")
        self.actor = actor
        self.probe = probe

    def record_refusal(self, session: Session) -> None:
        audit.record(
            session,
            self.actor,
            action="screen.check_refused",
            object_type="check",
            outcome="refused",
            subjects=probe_subjects(self.probe),
            detail={"reason": "no purpose"},
        )


def probe_subjects(probe: dict[str, Any]) -> list[Subject]:
    try:
        return subject_identifiers(probe)
    except InvalidInput:
        return []


@dataclass
class Candidate:
    alert_id: uuid.UUID
    ref: str
    alert_type: AlertType
    priority: Priority
    issuer_id: uuid.UUID
    assessment: Assessment
    row: Any
    mode: ShareMode = ShareMode.FULL
    clearance: Clearance | None = None

    @property
    def band(self) -> str:
        return CLEARED if self.clearance is not None else self.assessment.band


@dataclass
class Outcome:
    """The answer to one probe."""

    result: str
    candidates: list[Candidate] = field(default_factory=list)


def _sort_key(c: Candidate) -> tuple[int, float, int, int]:
    band_rank = -BAND_ORDER.get(c.band, -1) if c.band != CLEARED else 1
    return (
        band_rank,
        -c.assessment.score,
        c.priority is not Priority.URGENT,
        TYPE_RANK[c.alert_type],
    )


def person_key(subject: dict[str, Any]) -> str:
    """A short opaque key that several alerts on one person share (for grouping them)."""
    facts = Facts.from_mapping(subject)
    keys = clearance_rules.clearance_keys(facts)
    basis = keys[0] if keys else "|".join(facts.names[:1]) + "|" + str(facts.birth)
    return hashlib.blake2b(basis.encode(), digest_size=6).hexdigest()


class Screener:
    """Screens probes for one checker; reusable across a batch (its caches persist)."""

    def __init__(self, session: Session, actor: Actor, *, now: datetime | None = None) -> None:
        self.session = session
        self.actor = actor
        self.now = now or clock.now()
        self.visibility = Visibility(session, actor.agency_id)
        self.system = actor.is_system
        self._facts: dict[int, Facts] = {}

    def agency(self, agency_id: uuid.UUID) -> AgencyLabel | None:
        return agency_label(self.session, agency_id)

    def _alert_facts(self, row: Any) -> Facts:
        facts = self._facts.get(row.index_no)
        if facts is None:
            readings = tuple(names.reading_from_data(d) for d in row.readings or ())
            facts = Facts.from_mapping(row.subject, readings)
            if len(self._facts) > 200_000:
                self._facts.clear()
            self._facts[row.index_no] = facts
        return facts

    def screen(self, probes: Sequence[Facts]) -> list[Outcome]:
        """The outcome of each probe, in order."""
        probe_keys = [
            {blocking.hash_key(k) for k in blocking.facts_keys(p, probe=True)} for p in probes
        ]
        postings: dict[int, list[int]] = {}
        for number, keys in index.candidate_numbers(
            self.session, set().union(*probe_keys) if probe_keys else set()
        ).items():
            for key in keys:
                postings.setdefault(key, []).append(number)
        chosen: list[list[int]] = []
        for keys in probe_keys:
            # A shared key counts by how rare it is (1 / its number of alerts): the alert that
            # shares an ID or a name with a birth date outranks the namesakes sharing a name.
            weight: dict[int, float] = {}
            for key in keys:
                posting = postings.get(key, ())
                for number in posting:
                    weight[number] = weight.get(number, 0.0) + 1.0 / len(posting)
            chosen.append(sorted(weight, key=lambda n: -weight[n])[:MAX_SCORED])
        rows = self._rows({n for numbers in chosen for n in numbers})
        outcomes: list[Outcome] = []
        kept_all: list[Candidate] = []
        for facts, numbers in zip(probes, chosen, strict=True):
            kept: list[Candidate] = []
            for number in numbers:
                row = rows.get(number)
                if row is None:
                    continue  # not active, or expired: never hits
                assessment = assess(facts, self._alert_facts(row), row.alert_type.value)
                if assessment.band == NO_HIT:
                    continue
                kept.append(
                    Candidate(
                        alert_id=row.id,
                        ref=row.ref,
                        alert_type=row.alert_type,
                        priority=row.priority,
                        issuer_id=row.issuing_agency_id,
                        assessment=assessment,
                        row=row,
                    )
                )
            outcomes.append(Outcome(result=NO_HIT, candidates=kept))
            kept_all.extend(kept)
        self._apply_visibility(kept_all)
        self._apply_clearances(probes, outcomes)
        for outcome in outcomes:
            visible = [c for c in outcome.candidates if c.mode is not ShareMode.NONE]
            visible.sort(key=_sort_key)
            outcome.candidates = visible[:MAX_CANDIDATES]
            bands = [c.band for c in outcome.candidates]
            outcome.result = HIT if HIT in bands else POSSIBLE if POSSIBLE in bands else NO_HIT
        return outcomes

    def _rows(self, numbers: Iterable[int]) -> dict[int, Any]:
        wanted = sorted(set(numbers))
        found: dict[int, Any] = {}
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            query = select(*_COLUMNS).where(Alert.index_no.in_(chunk))
            for row in self.session.execute(query):
                if index.may_hit(row.status, row.expires_at, self.now):
                    found[row.index_no] = row
        return found

    def _apply_visibility(self, candidates: list[Candidate]) -> None:
        if self.system or not candidates:
            return
        zones: dict[uuid.UUID, list[uuid.UUID]] = {}
        ids = sorted({c.alert_id for c in candidates})
        for start in range(0, len(ids), 5000):
            rows = self.session.execute(
                select(AlertZone.alert_id, AlertZone.zone_id).where(
                    AlertZone.alert_id.in_(ids[start : start + 5000])
                )
            )
            for alert_id, zone_id in rows:
                zones.setdefault(alert_id, []).append(zone_id)
        for c in candidates:
            c.mode = self.visibility.mode(
                c.issuer_id, c.alert_type.value, zones.get(c.alert_id, ())
            )

    def _apply_clearances(self, probes: Sequence[Facts], outcomes: list[Outcome]) -> None:
        ids = {c.alert_id for o in outcomes for c in o.candidates}
        if not ids:
            return
        on_file = clearance_rules.clearances_for(self.session, ids)
        if not on_file:
            return
        for facts, outcome in zip(probes, outcomes, strict=True):
            keys: set[str] | None = None
            for c in outcome.candidates:
                if c.alert_id not in on_file:
                    continue
                if keys is None:
                    keys = set(clearance_rules.clearance_keys(facts))
                c.clearance = clearance_rules.matching_clearance(on_file[c.alert_id], keys)

    # --- presenting -----------------------------------------------------------------------

    def describe(self, c: Candidate, locale: str = "zh") -> dict[str, Any]:
        """A candidate as the API and the pages show it; hit/no-hit-only alerts are redacted to
        "match at agency X" and the contact to ask."""
        issuer = self.agency(c.issuer_id)
        name = issuer.name(locale) if issuer is not None else ""
        out: dict[str, Any] = {
            "alert_id": str(c.alert_id),
            "alert_ref": c.ref,
            "band": c.band,
            "score": round(c.assessment.score, 4),
            "explanation": c.assessment.explanation,
            "alert_type": c.alert_type.value,
            "priority": c.priority.value,
            "issuing_agency": issuer.code if issuer else "",
            "issuing_agency_name": name,
            "contact": c.row.contact,
            "redacted": c.mode is ShareMode.HIT_NO_HIT,
            "person_key": person_key(c.row.subject),
            "discreet": c.alert_type is AlertType.DISCREET_CHECK,
        }
        if c.mode is ShareMode.HIT_NO_HIT:
            out["explanation"] = [f"match at agency {out['issuing_agency']}"]
        else:
            out.update(
                label=c.row.label,
                subject=c.row.subject,
                action_on_hit=c.row.action_on_hit,
                handling_code=c.row.handling_code,
                handling_text=c.row.handling_text,
                misused_identity=c.row.misused_identity,
                distinguishing_facts=c.row.distinguishing_facts or None,
            )
        if c.clearance is not None:
            cleared_by = c.clearance.agency
            out["cleared_on"] = c.clearance.cleared_at.date().isoformat()
            out["cleared_by"] = cleared_by.code if cleared_by else ""
            out["explanation"] = [
                f"cleared on {out['cleared_on']} by {out['cleared_by']}: not the person",
                *out["explanation"],
            ]
        return out


def _audit_subjects(probe: dict[str, Any], outcome: Outcome) -> tuple[Subject, ...]:
    found = list(probe_subjects(probe))
    for c in outcome.candidates:
        found.append(Subject("entity", str(c.alert_id)))
        if c.mode is ShareMode.FULL:
            found.extend(subject_identifiers(c.row.subject))
    return tuple(found)


def _purpose(actor: Actor, purpose: str | None, probe: dict[str, Any]) -> str:
    cleaned = (purpose or "").strip()
    if not cleaned:
        raise PurposeRequired(actor, probe)
    return cleaned[:300]


@dataclass
class CheckResult:
    check: Check
    outcome: Outcome
    candidates: list[dict[str, Any]]


def check(
    session: Session,
    actor: Actor,
    *,
    probe: Probe,
    purpose: str | None,
    case_ref: str | None = None,
    locale: str = "zh",
) -> CheckResult:
    """One officer's check: screened, kept (for reporting a hit), and audited."""
    policy.require(actor, "screen.check")
    data = probe.subject_fields()
    stated = _purpose(actor, purpose, data)
    screener = Screener(session, actor)
    outcome = screener.screen([Facts.from_mapping(data)])[0]
    described = [screener.describe(c, locale) for c in outcome.candidates]
    row = Check(
        id=uuid7(),
        checked_at=screener.now,
        username=actor.username,
        agency_id=actor.agency_id,
        purpose=stated,
        case_ref=(case_ref or "").strip() or None,
        probe=data,
        result=outcome.result,
        candidates=[
            {k: d[k] for k in ("alert_id", "alert_ref", "band", "score", "explanation")}
            for d in described
        ],
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        action="screen.check",
        object_type="check",
        object_id=row.id,
        purpose=stated,
        case_ref=row.case_ref,
        subjects=_audit_subjects(data, outcome),
        detail={"result": outcome.result, "alerts": [c.ref for c in outcome.candidates]},
    )
    return CheckResult(check=row, outcome=outcome, candidates=described)


def get_check(session: Session, actor: Actor, check_id: uuid.UUID) -> Check:
    found = session.get(Check, check_id)
    if found is None or (not actor.is_system and found.agency_id != actor.agency_id):
        raise InvalidInput("no such check of your agency", field="check_id")
    return found


@dataclass(frozen=True)
class BatchLine:
    """One probe's result line and what its audit event records."""

    line: dict[str, Any]
    subjects: tuple[Subject, ...]
    alerts: list[str]


def screen_lines(
    screener: Screener, items: Sequence[tuple[int, dict[str, Any]]]
) -> list[BatchLine]:
    """Screen probes (line number, interchange fields) into result lines (issue 6 §4)."""
    outcomes = screener.screen([Facts.from_mapping(data) for _, data in items])
    lines = []
    for (number, data), outcome in zip(items, outcomes, strict=True):
        ref = str(data.get("ref") or f"line-{number}")
        lines.append(
            BatchLine(
                line={
                    "ref": ref,
                    "result": outcome.result,
                    "candidates": [
                        {
                            "alert_ref": c.ref,
                            "score": round(c.assessment.score, 4),
                            "explanation": _batch_explanation(screener, c),
                        }
                        for c in outcome.candidates
                    ],
                },
                subjects=_audit_subjects(data, outcome),
                alerts=[c.ref for c in outcome.candidates],
            )
        )
    return lines


# A worker process of a parallel batch: its own engine, the checker, and the batch's moment.
_worker: dict[str, Any] = {}


def _start_worker(url: str, actor: Actor, now: datetime) -> None:
    from accord.core.db import make_engine, make_sessionmaker

    _worker.update(factory=make_sessionmaker(make_engine(url)), actor=actor, now=now)


def _worker_lines(items: list[tuple[int, dict[str, Any]]]) -> list[BatchLine]:
    with _worker["factory"]() as session:
        screener = Screener(session, _worker["actor"], now=_worker["now"])
        return screen_lines(screener, items)


def batch(
    session: Session,
    actor: Actor,
    probes: Iterable[tuple[int, Probe]],
    *,
    purpose: str | None,
    chunk: int = 500,
    workers: int = 1,
) -> Iterator[dict[str, Any]]:
    """Screen many probes; yields one result line per probe (issue 6 §4), in order.

    Each probe is audited like a single check (one event, the candidates as subjects), in
    bulk per chunk; the caller commits (a batch is kept whole or not at all). With `workers` >
    1 the scoring runs in that many processes reading the same database (the audit events are
    still written here, in the caller's transaction).
    """
    policy.require(actor, "screen.check")
    stated = _purpose(actor, purpose, {})
    screener = Screener(session, actor)

    def audited(lines: list[BatchLine]) -> Iterator[dict[str, Any]]:
        events = [
            audit.EventSpec(
                action="screen.batch_check",
                object_type="check",
                object_id=str(b.line["ref"])[:64],
                purpose=stated,
                subjects=b.subjects,
                detail={"result": b.line["result"], "alerts": b.alerts},
            )
            for b in lines
        ]
        audit.record_many(session, actor, events)
        for b in lines:
            yield b.line

    def chunks() -> Iterator[list[tuple[int, dict[str, Any]]]]:
        pending: list[tuple[int, dict[str, Any]]] = []
        for number, probe in probes:
            data = probe.subject_fields()
            if probe.ref:
                data["ref"] = probe.ref
            pending.append((number, data))
            if len(pending) >= chunk:
                yield pending
                pending = []
        if pending:
            yield pending

    if workers <= 1:
        for items in chunks():
            yield from audited(screen_lines(screener, items))
        return
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(url, actor, screener.now)
    ) as pool:
        running: deque[Future[list[BatchLine]]] = deque()
        for items in chunks():
            running.append(pool.submit(_worker_lines, items))
            if len(running) > 2 * workers:
                yield from audited(running.popleft().result())
        while running:
            yield from audited(running.popleft().result())


def _batch_explanation(screener: Screener, c: Candidate) -> list[str]:
    if c.mode is ShareMode.HIT_NO_HIT:
        issuer = screener.agency(c.issuer_id)
        return [f"match at agency {issuer.code if issuer else ''}"]
    if c.clearance is not None:
        return [
            f"cleared on {c.clearance.cleared_at.date().isoformat()} by "
            f"{c.clearance.agency.code}: not the person",
            *c.assessment.explanation,
        ]
    return c.assessment.explanation
