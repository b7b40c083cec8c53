"""Hit follow-ups (the SIRENE hit procedure): report, claim, confirm or refuse, outcome.

An officer reports a hit (or a possible judged likely) from one of the agency's checks. The
alert's issuing agency owes an answer within a deadline (an SLA clock: 10 minutes for urgent
alerts, an hour for routine ones, configurable; the kernel's sweep reminds and escalates). One
of its liaisons claims the follow-up, then confirms ("it is the person", with the action to take)
or refuses ("not the person", which records a clearance so the person is not stopped again).
After a confirmation the finding agency reports the outcome, carried out or not with the reason;
a discreet-check hit returns a structured report instead of a stop. Each move is a compare-and-
set transition (a second claim loses with 409), audited, and announced to the other side.

Who sees a follow-up: the finding agency and the issuing agency, and the agencies above either;
every read shows personal data and is audited with the purpose "hit follow-up <reference>".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.alerts import clearances
from accord.alerts import service as alerts_service
from accord.alerts.followup_models import HitFollowUp
from accord.alerts.followup_schemas import REPORT_FIELDS, TEXT_MAX, DiscreetReport
from accord.alerts.followup_transitions import (
    AWAITING_ISSUER,
    FINDER_ACTIONS,
    FOLLOWUP_TABLE,
    ISSUER_ACTIONS,
    OPEN,
    FollowUpStatus,
    Outcome,
)
from accord.alerts.kinds import AlertType, Priority
from accord.alerts.models import Alert, Check
from accord.alerts.transitions import AlertStatus
from accord.audit import service as audit
from accord.audit.subjects import Subject
from accord.core import clock, refs
from accord.core.config import get_settings
from accord.core.errors import Conflict, InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.core.pagination import DEFAULT_LIMIT, Page, paginate
from accord.core.workflow import transition
from accord.deadlines import service as deadlines
from accord.deadlines.models import ClockPolicy, SlaClock
from accord.deadlines.transitions import OPEN as CLOCK_OPEN
from accord.notify import service as notify
from accord.notify.work import WorkItem
from accord.security import policy
from accord.security.actor import Actor, Role
from accord.zones.sharing import ShareMode

OBJECT_TYPE = "hit_followup"
CLOCK_NAME = "hit_confirmation"
REPORTABLE_BANDS = frozenset({"hit", "possible"})
DASHBOARD_LIMIT = 200


class FollowUpNotFound(NotFound):
    code = "followup_not_found"
    title = "Hit follow-up not found"


class CheckNotFound(NotFound):
    code = "check_not_found"
    title = "Check not found"


class InvalidFollowUp(InvalidInput):
    code = "invalid_followup"
    title = "Invalid hit follow-up"


class NotACandidate(InvalidInput):
    code = "not_a_candidate"
    title = "Not a candidate of this check"


class NotReportable(InvalidInput):
    code = "not_reportable"
    title = "Not a hit"


class AlertNotActive(Conflict):
    code = "alert_not_active"
    title = "The alert is no longer active"


class AlreadyReported(Conflict):
    code = "hit_already_reported"
    title = "This hit was already reported"


class AlreadyClaimed(Conflict):
    code = "already_claimed"
    title = "Already claimed"


class ClaimedByAnother(Conflict):
    code = "claimed_by_another"
    title = "Claimed by another liaison"


class NotFulfillable(Conflict):
    code = "not_fulfillable"
    title = "The alert cannot be fulfilled from this follow-up"


# --- reading ---------------------------------------------------------------------------------


def purpose_of(followup: HitFollowUp) -> str:
    """The purpose every read and change of the follow-up is audited with."""
    return f"hit follow-up {followup.reference}"


def get_followup(session: Session, key: str) -> HitFollowUp:
    """A follow-up by its id or its reference number (any spelling)."""
    found = refs.find(session, HitFollowUp, key)
    if found is None:
        raise FollowUpNotFound(f"no hit follow-up {key!r}", field="followup")
    return found


def _with_ancestors(session: Session, agency_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for agency_id in agency_ids:
        node = session.get(Agency, agency_id)
        while node is not None and node.id not in found:
            found.add(node.id)
            node = node.parent
    return found


def _holds_for(
    session: Session, actor: Actor, permission: str, agency_ids: Iterable[uuid.UUID]
) -> bool:
    """Whether the actor holds `permission` through a grant in one of the agencies or above."""
    if actor.is_system:
        return True
    if not policy.allows(actor, permission):
        return False
    parties = _with_ancestors(session, agency_ids)
    wanted = policy.roles_for(permission)
    return any(g.role in wanted and g.agency_id in parties for g in actor.grants)


def on_issuer_side(session: Session, actor: Actor, followup: HitFollowUp) -> bool:
    return _holds_for(session, actor, "followups.read", [followup.issuing_agency_id])


def on_finder_side(session: Session, actor: Actor, followup: HitFollowUp) -> bool:
    return _holds_for(session, actor, "followups.read", [followup.finding_agency_id])


def may_see(session: Session, actor: Actor, followup: HitFollowUp) -> bool:
    """The finding and the issuing agency (and the agencies above either) see a follow-up."""
    return _holds_for(
        session,
        actor,
        "followups.read",
        [followup.finding_agency_id, followup.issuing_agency_id],
    )


def followup_subjects(followup: HitFollowUp) -> list[Subject]:
    """Whom the follow-up concerns: the alert (and its identifiers) and the probe's."""
    found = [Subject("entity", str(followup.alert_id))]
    for data in (followup.alert.subject, followup.check.probe):
        try:
            found.extend(alerts_service.subject_identifiers(data))
        except InvalidInput:
            continue  # a key that cannot be stored; the entity subject still finds the event
    return found


def require_visible(session: Session, actor: Actor, followup: HitFollowUp) -> None:
    """Refuse (403, audited by the web layer) anyone but the two sides and those above them."""
    policy.require(actor, "followups.read")
    if not may_see(session, actor, followup):
        raise policy.PermissionDenied(
            f"{actor.username} may not see hit follow-up {followup.reference}",
            actor=actor,
            permission="followups.read",
        )


def read_followup(session: Session, actor: Actor, key: str) -> HitFollowUp:
    """A follow-up the actor may see; the read is audited with its purpose (personal data)."""
    followup = get_followup(session, key)
    require_visible(session, actor, followup)
    audit.record(
        session,
        actor,
        action="hit_followup.read",
        object_type=OBJECT_TYPE,
        object_id=followup.id,
        purpose=purpose_of(followup),
        case_ref=followup.check.case_ref,
        subjects=followup_subjects(followup),
        detail={"reference": followup.reference},
    )
    return followup


def details_withheld(session: Session, actor: Actor, followup: HitFollowUp) -> bool:
    """Whether the alert's details stay hidden from this viewer: the sharing rules show the
    finding agency only "match at agency X" for this alert, and the issuer has not confirmed
    yet (a confirmation is the issuer's decision to release them)."""
    if on_issuer_side(session, actor, followup):
        return False
    if followup.status in (FollowUpStatus.CONFIRMED, FollowUpStatus.CLOSED):
        return False
    return alerts_service.visible_mode(session, actor, followup.alert) is not ShareMode.FULL


def clock_of(session: Session, followup: HitFollowUp) -> SlaClock | None:
    """The follow-up's confirmation clock (running or stopped)."""
    clocks = deadlines.clocks_for(session, object_type=OBJECT_TYPE, object_id=followup.id)
    return clocks[-1] if clocks else None


@dataclass(frozen=True)
class ClockView:
    """A clock as the pages and the API show it, at one instant."""

    status: str
    due_at: datetime
    remaining_seconds: int
    overdue: bool
    escalated: bool

    @property
    def running(self) -> bool:
        return self.status != "stopped"

    def remaining_text(self) -> str:
        """`mm:ss` (or `h:mm:ss`) of the time left, or of the time overdue."""
        seconds = abs(self.remaining_seconds)
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def clock_view(c: SlaClock | None, now: datetime) -> ClockView | None:
    if c is None:
        return None
    until = (c.stopped_at or now) if c.status.value == "stopped" else now
    left = int((c.due_at - until).total_seconds())
    return ClockView(
        status=c.status.value,
        due_at=c.due_at,
        remaining_seconds=left,
        overdue=left < 0,
        escalated=c.escalated_at is not None,
    )


def may_answer(session: Session, actor: Actor, followup: HitFollowUp) -> bool:
    """A liaison of the issuing agency (policy: `followups.answer` for that agency)."""
    scope = policy.agencies_in_scope(session, actor, "followups.answer")
    return policy.in_scope(scope, followup.issuing_agency_id)


def may_report_outcome(session: Session, actor: Actor, followup: HitFollowUp) -> bool:
    scope = policy.agencies_in_scope(session, actor, "followups.report")
    return policy.in_scope(scope, followup.finding_agency_id)


def may_fulfil(session: Session, actor: Actor, followup: HitFollowUp) -> bool:
    """The issuer may close the alert once the action was carried out on a confirmed hit."""
    if followup.status != FollowUpStatus.CLOSED or followup.outcome != Outcome.CARRIED_OUT:
        return False
    if followup.alert.status != AlertStatus.ACTIVE:
        return False
    scope = policy.agencies_in_scope(session, actor, "alerts.issue")
    return policy.in_scope(scope, followup.alert.issuing_agency_id)


def allowed_actions(session: Session, actor: Actor | None, followup: HitFollowUp) -> list[str]:
    """The moves this actor may make now (buttons, and the API's `allowed_actions`); `fulfil`
    (close the alert) is offered after a confirmed hit was carried out."""
    if actor is None:
        return []
    out: list[str] = []
    for action in FOLLOWUP_TABLE.allowed_actions(followup.status):
        if action in ISSUER_ACTIONS and may_answer(session, actor, followup):
            if action == "claim" or followup.claimed_by == actor.username:
                out.append(action)
        elif action in FINDER_ACTIONS and may_report_outcome(session, actor, followup):
            out.append(action)
    if may_fulfil(session, actor, followup):
        out.append("fulfil")
    return out


def _scope_filter(session: Session, actor: Actor) -> Any:
    scope = policy.agencies_in_scope(session, actor, "followups.read")
    if scope is policy.ALL:
        return None
    ids = scope or {uuid.UUID(int=0)}
    return or_(HitFollowUp.finding_agency_id.in_(ids), HitFollowUp.issuing_agency_id.in_(ids))


def list_open(
    session: Session, actor: Actor, *, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> Page[HitFollowUp]:
    """The open follow-ups of the actor's agency (both sides), oldest report first."""
    policy.require(actor, "followups.read")
    stmt = select(HitFollowUp).where(HitFollowUp.status.in_(OPEN))
    condition = _scope_filter(session, actor)
    if condition is not None:
        stmt = stmt.where(condition)
    return paginate(session, stmt, keys=[HitFollowUp.id], cursor=cursor, limit=limit)


def side_of(session: Session, actor: Actor, followup: HitFollowUp) -> str:
    """`to_answer` when the actor's agency is the issuer's side, else `reported_by_us`."""
    scope = policy.agencies_in_scope(session, actor, "followups.read")
    if policy.in_scope(scope, followup.issuing_agency_id):
        return "to_answer"
    return "reported_by_us"


@dataclass(frozen=True)
class DashboardRow:
    followup: HitFollowUp
    clock: ClockView | None


@dataclass(frozen=True)
class Dashboard:
    to_answer: list[DashboardRow]  # the issuer's side owes the answer (soonest deadline first)
    awaiting_outcome: list[DashboardRow]  # answered by us, the finding agency owes the outcome
    reported_by_us: list[DashboardRow]  # newest first


def dashboard(session: Session, actor: Actor) -> Dashboard:
    """The open follow-ups of the actor's agency, each with its clock: those it must answer,
    those it confirmed and awaits the outcome of, and those it reported."""
    policy.require(actor, "followups.read")
    stmt = select(HitFollowUp).where(HitFollowUp.status.in_(OPEN))
    condition = _scope_filter(session, actor)
    if condition is not None:
        stmt = stmt.where(condition)
    rows = list(session.scalars(stmt.order_by(HitFollowUp.id.desc()).limit(DASHBOARD_LIMIT)))
    clocks = {
        c.object_id: c
        for c in session.scalars(
            select(SlaClock).where(
                SlaClock.object_type == OBJECT_TYPE,
                SlaClock.object_id.in_([f.id for f in rows] or [uuid.UUID(int=0)]),
            )
        )
    }
    now = clock.now()
    board = Dashboard(to_answer=[], awaiting_outcome=[], reported_by_us=[])
    for f in rows:
        row = DashboardRow(f, clock_view(clocks.get(f.id), now))
        if side_of(session, actor, f) == "reported_by_us":
            board.reported_by_us.append(row)
        elif f.status in AWAITING_ISSUER:
            board.to_answer.append(row)
        else:
            board.awaiting_outcome.append(row)
    far = now + timedelta(days=3650)

    def due(row: DashboardRow) -> datetime:
        running = row.clock is not None and row.clock.running
        return row.clock.due_at if row.clock is not None and running else far

    board.to_answer.sort(key=due)
    return board


# --- reporting a hit ---------------------------------------------------------------------------


def _text(value: str | None, field: str, *, required: str | None = None) -> str:
    cleaned = (value or "").strip()
    if required is not None and not cleaned:
        raise InvalidFollowUp(required, field=field)
    if len(cleaned) > TEXT_MAX:
        raise InvalidFollowUp(f"{field} is at most {TEXT_MAX} characters", field=field)
    return cleaned


def _alert_may_hit(alert: Alert, now: datetime) -> bool:
    return alert.status == AlertStatus.ACTIVE and (
        alert.expires_at is None or alert.expires_at > now
    )


def report_hit(
    session: Session,
    actor: Actor,
    *,
    check_id: uuid.UUID,
    alert_id: uuid.UUID,
    note: str = "",
) -> HitFollowUp:
    """Report a hit from one of the agency's checks (a `possible` the officer judges likely
    counts too); the issuing agency's liaisons are told at once and owe an answer in time."""
    policy.require(actor, "followups.report")
    text = _text(note, "note")
    check = session.get(Check, check_id)
    if check is None:
        raise CheckNotFound(f"no check {check_id}", field="check_id")
    if actor.agency_id is None or check.agency_id != actor.agency_id:
        raise policy.PermissionDenied(
            f"{actor.username} may report hits only from checks of their own agency",
            actor=actor,
            permission="followups.report",
        )
    candidate = next((c for c in check.candidates if str(c.get("alert_id")) == str(alert_id)), None)
    alert = session.get(Alert, alert_id) if candidate is not None else None
    if candidate is None or alert is None:
        raise NotACandidate(
            f"alert {alert_id} is not among the candidates of this check", field="alert_id"
        )
    band = str(candidate.get("band", ""))
    if band not in REPORTABLE_BANDS:
        raise NotReportable(
            f"the check answered {band or 'no hit'} for alert {alert.ref}: only a hit or a "
            "possible can be reported",
            field="alert_id",
            band=band,
        )
    now = clock.now()
    if not _alert_may_hit(alert, now):
        raise AlertNotActive(
            f"alert {alert.ref} is {alert.status.value} or expired since the check: it no "
            "longer calls for action",
            field="alert_id",
        )
    existing = session.scalar(
        select(HitFollowUp.reference).where(
            HitFollowUp.check_id == check.id, HitFollowUp.alert_id == alert.id
        )
    )
    if existing is not None:
        raise AlreadyReported(
            f"this hit was already reported as {existing}", field="alert_id", reference=existing
        )
    finder = session.get(Agency, actor.agency_id)
    assert finder is not None  # the check's foreign key holds
    followup_id = uuid7()
    reference = refs.allocate(
        session,
        agency_id=finder.id,
        prefix=finder.prefix,
        kind=OBJECT_TYPE,
        object_id=followup_id,
        # The index title is shown in searches and "my work": references only.
        title=f"命中核查 · Hit follow-up on alert {alert.ref}",
        at=now,
    )
    urgent = alert.priority == Priority.URGENT
    followup = HitFollowUp(
        id=followup_id,
        reference=reference,
        status=FollowUpStatus.REPORTED,
        alert_id=alert.id,
        check_id=check.id,
        finding_agency_id=finder.id,
        issuing_agency_id=alert.issuing_agency_id,
        urgent=urgent,
        candidate=dict(candidate),
        note=text,
        reported_by=actor.username[:80],
        reported_by_user_id=actor.user_id,
        reported_at=now,
        version=1,
    )
    session.add(followup)
    session.flush()
    settings = get_settings()
    minutes = settings.followup_urgent_minutes if urgent else settings.followup_routine_minutes
    budget = timedelta(minutes=minutes)
    sla = deadlines.start_clock(
        session,
        actor,
        object_type=OBJECT_TYPE,
        object_id=followup.id,
        agency_id=alert.issuing_agency_id,
        policy=ClockPolicy.WALL,
        budget=budget,
        remind_before=budget / 2,
        name=CLOCK_NAME,
    )
    audit.record(
        session,
        actor,
        action="hit_followup.reported",
        object_type=OBJECT_TYPE,
        object_id=followup.id,
        purpose=purpose_of(followup),
        case_ref=check.case_ref,
        subjects=followup_subjects(followup),
        detail={
            "reference": reference,
            "alert": alert.ref,
            "check_id": str(check.id),
            "band": band,
            "score": candidate.get("score"),
            "urgent": urgent,
            "due_at": sla.due_at.isoformat(),
        },
    )
    flag = "紧急 URGENT · " if urgent else ""
    notify.enqueue(
        session,
        event="hit_followup.reported",
        title=f"{flag}命中待确认 · Hit to confirm: {reference} (alert {alert.ref})",
        body=f"Reported by {finder.code}; answer by {sla.due_at.isoformat()}.",
        reference=reference,
        link=f"/followups/{reference}",
        to_agencies=[alert.issuing_agency_id],
        to_roles=[Role.LIAISON],
        dedupe_key=f"hit_followup:{followup.id}:reported",
        data={"followup_id": str(followup.id), "alert_id": str(alert.id), "urgent": urgent},
        handling_code=alert.handling_code,
        handling_text=alert.handling_text,
    )
    return followup


# --- the issuer's answer ---------------------------------------------------------------------


def _require_answerer(session: Session, actor: Actor, followup: HitFollowUp) -> None:
    policy.require_agency(session, actor, "followups.answer", followup.issuing_agency_id)


def _require_claimer(actor: Actor, followup: HitFollowUp, action: str) -> None:
    if followup.status == FollowUpStatus.CLAIMED and followup.claimed_by != actor.username:
        raise ClaimedByAnother(
            f"{followup.reference} is claimed by {followup.claimed_by}: only they can {action} it",
            field="followup",
            claimed_by=followup.claimed_by,
        )


def _move(
    session: Session,
    actor: Actor,
    followup: HitFollowUp,
    action: str,
    *,
    values: Mapping[str, Any],
    detail: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    transition(
        session,
        actor,
        followup,
        table=FOLLOWUP_TABLE,
        action=action,
        object_type=OBJECT_TYPE,
        reason=reason,
        subjects=followup_subjects(followup),
        values={**values, "updated_at": clock.now()},
        detail={"reference": followup.reference, **(detail or {})},
    )


def _tell_finder(
    session: Session, followup: HitFollowUp, event: str, title: str, *, live_only: bool = False
) -> None:
    """The reporting officer and the finding agency's liaisons hear of the issuer's move."""
    notify.enqueue(
        session,
        event=event,
        title=title,
        reference=followup.reference,
        link=f"/followups/{followup.reference}",
        to_users=[followup.reported_by_user_id] if followup.reported_by_user_id else [],
        to_agencies=[] if live_only else [followup.finding_agency_id],
        to_roles=[] if live_only else [Role.LIAISON],
        channels=["inbox", "live"] if live_only else ["inbox", "live", "email", "webhook"],
        dedupe_key=f"hit_followup:{followup.id}:{event}",
        data={"followup_id": str(followup.id), "status": followup.status.value},
        handling_code=followup.alert.handling_code,
        handling_text=followup.alert.handling_text,
    )


def claim(session: Session, actor: Actor, followup: HitFollowUp) -> HitFollowUp:
    """One liaison of the issuing agency takes the follow-up; a second claim loses (409)."""
    _require_answerer(session, actor, followup)
    if followup.status == FollowUpStatus.CLAIMED:
        raise AlreadyClaimed(
            f"{followup.reference} was already claimed by {followup.claimed_by}",
            field="followup",
            claimed_by=followup.claimed_by,
        )
    _move(
        session,
        actor,
        followup,
        "claim",
        values={
            "claimed_by": actor.username[:80],
            "claimed_by_user_id": actor.user_id,
            "claimed_at": clock.now(),
        },
    )
    _tell_finder(
        session,
        followup,
        "hit_followup.claimed",
        f"命中已受理 · Hit claimed: {followup.reference} (alert {followup.alert.ref})",
        live_only=True,
    )
    return followup


def _stop_clock(session: Session, actor: Actor, followup: HitFollowUp, reason: str) -> None:
    for c in deadlines.clocks_for(session, object_type=OBJECT_TYPE, object_id=followup.id):
        if c.status in CLOCK_OPEN:
            deadlines.stop_clock(session, actor, c, reason=reason)


def confirm(
    session: Session, actor: Actor, followup: HitFollowUp, *, action: str | None = None
) -> HitFollowUp:
    """The issuer's "it is the person", with the action to take (by default the alert's)."""
    _require_answerer(session, actor, followup)
    _require_claimer(actor, followup, "confirm")
    todo = _text(action, "action") or (followup.alert.action_on_hit or "").strip()
    if not todo:
        raise InvalidFollowUp("say what action the finding agency is to take", field="action")
    _move(
        session,
        actor,
        followup,
        "confirm",
        values={
            "answered_by": actor.username[:80],
            "answered_at": clock.now(),
            "action_to_take": todo[:TEXT_MAX],
        },
    )
    _stop_clock(session, actor, followup, "confirmed")
    _tell_finder(
        session,
        followup,
        "hit_followup.confirmed",
        f"命中已确认 · Hit confirmed: {followup.reference} (alert {followup.alert.ref})",
    )
    return followup


def refuse(session: Session, actor: Actor, followup: HitFollowUp, *, facts: str) -> HitFollowUp:
    """The issuer's "not the person", with the facts that tell them apart; the person is
    remembered as cleared against the alert, so the next check shows that instead of a hit."""
    _require_answerer(session, actor, followup)
    _require_claimer(actor, followup, "refuse")
    why = _text(facts, "facts", required="state the facts that tell this person apart")
    _move(
        session,
        actor,
        followup,
        "refuse",
        values={
            "answered_by": actor.username[:80],
            "answered_at": clock.now(),
            "distinguishing_facts": why,
        },
        reason=why,
    )
    _stop_clock(session, actor, followup, "refused")
    cleared = clearances.record_clearance(
        session,
        actor,
        alert=followup.alert,
        probe=followup.check.probe,
        reason=why,
        source_id=followup.id,
        subjects=followup_subjects(followup),
    )
    if cleared is not None:
        followup.clearance_id = cleared.id
        session.flush()
    _tell_finder(
        session,
        followup,
        "hit_followup.refused",
        f"非本人 · Hit refused, not the person: {followup.reference} (alert {followup.alert.ref})",
    )
    return followup


# --- the outcome ---------------------------------------------------------------------------


def parse_outcome(value: Outcome | str) -> Outcome:
    try:
        return Outcome(value)
    except ValueError:
        raise InvalidFollowUp(
            "the outcome is carried_out or not_carried_out", field="outcome"
        ) from None


def parse_report(data: Mapping[str, Any]) -> dict[str, str]:
    """A discreet-check report, checked field by field (place and time are required)."""
    unknown = sorted(set(data) - set(REPORT_FIELDS))
    if unknown:
        raise InvalidFollowUp(f"unknown report field {unknown[0]!r}", field=unknown[0])
    try:
        report = DiscreetReport.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "report"
        message = (
            f"the report needs the {name}"
            if first["type"] in ("missing", "string_too_short")
            else f"{name}: {first['msg']}"
        )
        raise InvalidFollowUp(message, field=name) from None
    return report.model_dump()


def report_outcome(
    session: Session,
    actor: Actor,
    followup: HitFollowUp,
    *,
    outcome: Outcome | str,
    reason: str = "",
    report: Mapping[str, Any] | None = None,
) -> HitFollowUp:
    """The finding agency reports what it did on a confirmed hit (SIRENE G: carried out; H: not
    carried out, with the reason); a discreet check returns its report, the subject untold."""
    policy.require_agency(session, actor, "followups.report", followup.finding_agency_id)
    result = parse_outcome(outcome)
    why = _text(
        reason,
        "reason",
        required=(
            "say why the action was not carried out" if result is Outcome.NOT_CARRIED_OUT else None
        ),
    )
    discreet = followup.alert.alert_type == AlertType.DISCREET_CHECK
    given = {k: v for k, v in (report or {}).items() if v not in (None, "")}
    kept: dict[str, str] | None = None
    if discreet and result is Outcome.CARRIED_OUT:
        kept = parse_report(given)
    elif given:
        if not discreet:
            raise InvalidFollowUp("only a discreet-check hit returns a report", field="report")
        kept = parse_report(given)
    _move(
        session,
        actor,
        followup,
        "report_outcome",
        values={
            "outcome": result,
            "outcome_reason": why or None,
            "discreet_report": kept,
            "outcome_by": actor.username[:80],
            "outcome_at": clock.now(),
        },
        detail={"outcome": result.value, "discreet_report": kept is not None},
        reason=why or None,
    )
    notify.enqueue(
        session,
        event="hit_followup.outcome",
        title=(
            f"命中处置结果 · Outcome {result.value}: {followup.reference} "
            f"(alert {followup.alert.ref})"
        ),
        reference=followup.reference,
        link=f"/followups/{followup.reference}",
        to_users=[followup.claimed_by_user_id] if followup.claimed_by_user_id else [],
        to_agencies=[followup.issuing_agency_id],
        to_roles=[Role.LIAISON],
        dedupe_key=f"hit_followup:{followup.id}:outcome",
        data={"followup_id": str(followup.id), "outcome": result.value},
        handling_code=followup.alert.handling_code,
        handling_text=followup.alert.handling_text,
    )
    return followup


def fulfil_alert(
    session: Session, actor: Actor, followup: HitFollowUp, *, reason: str = ""
) -> Alert:
    """The issuer closes the alert after the action was carried out on this confirmed hit."""
    if followup.status != FollowUpStatus.CLOSED or followup.outcome != Outcome.CARRIED_OUT:
        raise NotFulfillable(
            "the alert is fulfilled only after a confirmed hit whose action was carried out",
            field="followup",
        )
    why = _text(reason, "reason") or (
        f"hit {followup.reference} confirmed; action carried out by {followup.finding_agency.code}"
    )
    return alerts_service.fulfil(session, actor, followup.alert, reason=why)


# --- "my work" -------------------------------------------------------------------------------


def open_followups(session: Session, actor: Actor) -> list[WorkItem]:
    """'My work': the confirmed hits whose outcome the actor's agency owes (no deadline).

    The issuing side's items, an answer owed, are not listed here: their SLA clock is already
    in "my work" through the deadlines provider (with its deadline, and its link once
    `search.REFERENCE_PAGES["hit_followup"]` names the follow-up page), so they would show twice.
    """
    if actor.agency_id is None or not policy.allows(actor, "followups.report"):
        return []
    rows = session.scalars(
        select(HitFollowUp)
        .where(
            HitFollowUp.finding_agency_id == actor.agency_id,
            HitFollowUp.status == FollowUpStatus.CONFIRMED,
        )
        .order_by(HitFollowUp.id)
    )
    return [
        WorkItem(
            kind=OBJECT_TYPE,
            title=f"命中处置待报 · Report the outcome of hit {f.reference} (alert {f.alert.ref})",
            reference=f.reference,
            link=f"/followups/{f.reference}",
            deadline=None,
            status=f.status.value,
            agency_code=actor.agency_code,
        )
        for f in rows
        if may_report_outcome(session, actor, f)
    ]
