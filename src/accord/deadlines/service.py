"""Business rules of deadlines: the editable business calendar and the SLA clocks.

Clocks belong to objects of other domains (an assistance request, a hit follow-up...). Those
domains' services start, pause, resume and stop them inside their own flows, after deciding
that the actor may act on the object, so the clock functions here do not check permission
again. Direct requests on a clock (the API) first pass `require_clock_access`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any, cast

from sqlalchemy import extract, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.audit import service as audit
from accord.core import clock as clock_source
from accord.core.errors import InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.core.jsonl import parse_records
from accord.core.workflow import transition
from accord.deadlines import calendar as bizcal
from accord.deadlines.models import CalendarDay, ClockPolicy, DayKind, SlaClock
from accord.deadlines.schemas import CalendarEntry, CalendarLoadResult, SlaClockOut
from accord.deadlines.transitions import OPEN, TABLE, SlaStatus
from accord.security import policy
from accord.security.actor import Actor


class InvalidCalendar(InvalidInput):
    code = "invalid_calendar"
    title = "Calendar refused"


class CalendarDayNotFound(NotFound):
    code = "calendar_day_not_found"
    title = "Not in the calendar"


class SlaClockNotFound(NotFound):
    code = "sla_clock_not_found"
    title = "SLA clock not found"


class InvalidSlaClock(InvalidInput):
    code = "invalid_sla_clock"
    title = "Invalid SLA clock"


CALENDAR_LOADER = "calendar-load"
MAX_WALL_BUDGET = timedelta(days=366)
MAX_BUSINESS_DAYS = 250


# --- the business calendar ------------------------------------------------------------------


def business_calendar(session: Session) -> bizcal.BusinessCalendar:
    """The calendar as the arithmetic wants it (every listed date; a few dozen a year)."""
    rows = session.execute(select(CalendarDay.day, CalendarDay.kind)).all()
    return bizcal.BusinessCalendar({day: str(kind) for day, kind in rows})


def get_day(session: Session, day: date) -> CalendarDay | None:
    return session.get(CalendarDay, day)


def list_days(session: Session, year: int) -> list[CalendarDay]:
    """The listed dates of `year`, in date order."""
    return list(
        session.scalars(
            select(CalendarDay)
            .where(extract("year", CalendarDay.day) == year)
            .order_by(CalendarDay.day)
        )
    )


def years_listed(session: Session) -> list[int]:
    days = session.scalars(select(CalendarDay.day)).all()
    return sorted({d.year for d in days})


def set_day(
    session: Session,
    actor: Actor,
    *,
    day: date,
    kind: DayKind,
    name_zh: str = "",
    name_en: str = "",
) -> CalendarDay:
    """Mark `day` a holiday or a make-up working day (creating or changing its entry)."""
    policy.require(actor, "calendar.manage")
    entry = CalendarEntry(date=day, kind=kind, name_zh=name_zh.strip(), name_en=name_en.strip())
    row = session.get(CalendarDay, day)
    before = _describe(row)
    row = _upsert(session, actor, entry, row)
    session.flush()
    moved = reschedule_business_clocks(session, since=day)
    audit.record(
        session,
        actor,
        action="calendar.set",
        object_type="calendar_day",
        object_id=day.isoformat(),
        detail={"before": before, "after": _describe(row), "clocks_moved": moved},
    )
    return row


def unset_day(session: Session, actor: Actor, *, day: date) -> None:
    """Make `day` an ordinary day again."""
    policy.require(actor, "calendar.manage")
    row = session.get(CalendarDay, day)
    if row is None:
        raise CalendarDayNotFound(f"{day.isoformat()} is not in the calendar", field="date")
    before = _describe(row)
    session.delete(row)
    session.flush()
    moved = reschedule_business_clocks(session, since=day)
    audit.record(
        session,
        actor,
        action="calendar.unset",
        object_type="calendar_day",
        object_id=day.isoformat(),
        detail={"before": before, "clocks_moved": moved},
    )


def shipped_calendar_lines() -> list[str]:
    """The official schedules shipped with Accord (State Council notices, 2025 and 2026)."""
    data = resources.files("accord.deadlines").joinpath("data/cn_calendar.jsonl")
    return data.read_text("utf-8").splitlines()


def parse_calendar_lines(lines: Iterable[str]) -> list[tuple[int, CalendarEntry]]:
    """Validate every line; the first bad one raises, naming its line number and field."""
    entries: list[tuple[int, CalendarEntry]] = []
    seen: dict[date, int] = {}
    for number, entry in parse_records(lines, CalendarEntry, InvalidCalendar):
        if entry.date in seen:
            raise InvalidCalendar(
                f"line {number}: field 'date': {entry.date} is also on line {seen[entry.date]}",
                field="date",
                line=number,
            )
        seen[entry.date] = number
        entries.append((number, entry))
    return entries


def load_calendar(
    session: Session, lines: Iterable[str], *, actor: Actor | None = None
) -> CalendarLoadResult:
    """Create or update the listed dates; all or nothing (a bad line writes nothing).

    Dates not in the file are left as they are. Running the same file twice changes nothing.
    """
    actor = actor or Actor.system(CALENDAR_LOADER)
    policy.require(actor, "calendar.manage")
    entries = parse_calendar_lines(lines)
    created = updated = 0
    for _, entry in entries:
        row = session.get(CalendarDay, entry.date)
        if row is None:
            created += 1
        elif _describe(row) == _describe_entry(entry):
            continue
        else:
            updated += 1
        _upsert(session, actor, entry, row)
    session.flush()
    moved = 0
    if created or updated:
        changed = [e.date for _, e in entries]
        moved = reschedule_business_clocks(session, since=min(changed))
        audit.record(
            session,
            actor,
            action="calendar.loaded",
            object_type="calendar",
            detail={
                "created": created,
                "updated": updated,
                "years": sorted({d.year for d in changed}),
                "clocks_moved": moved,
            },
        )
    return CalendarLoadResult(
        created=created,
        updated=updated,
        unchanged=len(entries) - created - updated,
        clocks_moved=moved,
    )


def _upsert(
    session: Session, actor: Actor, entry: CalendarEntry, row: CalendarDay | None
) -> CalendarDay:
    if row is None:
        row = CalendarDay(day=entry.date)
        session.add(row)
    row.kind = entry.kind
    row.name_zh = entry.name_zh
    row.name_en = entry.name_en
    row.updated_at = clock_source.now()
    row.updated_by = actor.username[:80]
    return row


def _describe(row: CalendarDay | None) -> dict[str, str] | None:
    if row is None:
        return None
    return {"kind": str(row.kind), "name_zh": row.name_zh, "name_en": row.name_en}


def _describe_entry(entry: CalendarEntry) -> dict[str, str]:
    return {"kind": str(entry.kind), "name_zh": entry.name_zh, "name_en": entry.name_en}


def reschedule_business_clocks(session: Session, *, since: date) -> int:
    """Recompute the deadlines of open business clocks after a calendar change from `since` on.

    Exact under the business-time model: the deadline is the (moved) start plus the budget
    plus every pause, all in business time. Clocks already escalated keep their deadline.
    """
    cal = business_calendar(session)
    boundary = datetime.combine(since, datetime.min.time(), bizcal.BUSINESS_TZ)
    clocks = session.scalars(
        select(SlaClock).where(
            SlaClock.policy == ClockPolicy.BUSINESS,
            SlaClock.status.in_(OPEN),
            SlaClock.escalated_at.is_(None),
            SlaClock.due_at >= boundary,
        )
    ).all()
    moved = 0
    for c in clocks:
        # Compare-and-set, so a pause or resume committed meanwhile is never overwritten.
        for _ in range(3):
            budget = timedelta(days=c.budget_days or 0, seconds=c.paused_total_seconds)
            due = bizcal.add_business_time(bizcal.business_start(c.started_at, cal), budget, cal)
            if due == c.due_at:
                break
            values: dict[str, Any] = {"due_at": due, "version": SlaClock.version + 1}
            if c.reminded_at is None:
                values["remind_at"] = _remind_at(c, cal, due)
            result = cast(
                CursorResult[Any],
                session.execute(
                    update(SlaClock)
                    .where(SlaClock.id == c.id, SlaClock.version == c.version)
                    .values(values)
                    .execution_options(synchronize_session=False)
                ),
            )
            session.refresh(c)
            if result.rowcount == 1:
                moved += 1
                break
    session.flush()
    return moved


# --- SLA clocks -----------------------------------------------------------------------------


def start_clock(
    session: Session,
    actor: Actor,
    *,
    object_type: str,
    object_id: uuid.UUID,
    agency_id: uuid.UUID,
    policy: ClockPolicy,
    budget: timedelta | int,
    remind_before: timedelta | None = None,
    name: str = "deadline",
) -> SlaClock:
    """Start a clock owed by `agency_id` on an object: `budget` is a timedelta for a wall
    clock, a number of business days for a business clock. `remind_before` (optional) asks
    for a reminder that long before the deadline (business time for a business clock)."""
    if session.get(Agency, agency_id) is None:
        raise InvalidSlaClock("no such agency", field="agency_id")
    if not object_type or len(object_type) > 40:
        raise InvalidSlaClock("object_type must be 1 to 40 characters", field="object_type")
    if not name or len(name) > 40:
        raise InvalidSlaClock("name must be 1 to 40 characters", field="name")
    now = clock_source.now()
    cal = business_calendar(session)
    budget_seconds: int | None = None
    budget_days: int | None = None
    if policy is ClockPolicy.WALL:
        if not isinstance(budget, timedelta) or not timedelta(0) < budget <= MAX_WALL_BUDGET:
            raise InvalidSlaClock(
                "a wall-clock budget is a duration of up to 366 days", field="budget"
            )
        budget_seconds = int(budget.total_seconds())
        due = now + timedelta(seconds=budget_seconds)
        span = timedelta(seconds=budget_seconds)
    else:
        if isinstance(budget, timedelta) or not 1 <= budget <= MAX_BUSINESS_DAYS:
            raise InvalidSlaClock(
                f"a business budget is 1 to {MAX_BUSINESS_DAYS} business days", field="budget"
            )
        budget_days = budget
        due = bizcal.add_business_days(now, budget, cal)
        span = budget * bizcal.DAY
    remind_seconds: int | None = None
    if remind_before is not None:
        if not timedelta(0) < remind_before < span:
            raise InvalidSlaClock(
                "remind_before must be positive and shorter than the budget", field="remind_before"
            )
        remind_seconds = int(remind_before.total_seconds())
    c = SlaClock(
        id=uuid7(),
        object_type=object_type,
        object_id=object_id,
        name=name,
        agency_id=agency_id,
        policy=policy,
        budget_seconds=budget_seconds,
        budget_days=budget_days,
        status=SlaStatus.RUNNING,
        started_at=now,
        due_at=due,
        paused_total_seconds=0,
        remind_before_seconds=remind_seconds,
        version=1,
    )
    c.remind_at = _remind_at(c, cal)
    session.add(c)
    session.flush()
    audit.record(
        session,
        actor,
        action="sla.started",
        object_type="sla_clock",
        object_id=c.id,
        detail={
            "object_type": object_type,
            "object_id": str(object_id),
            "name": name,
            "policy": policy.value,
            "budget_seconds": budget_seconds,
            "budget_days": budget_days,
            "due_at": due.isoformat(),
        },
    )
    return c


def get_clock(session: Session, clock_id: uuid.UUID) -> SlaClock:
    found = session.get(SlaClock, clock_id)
    if found is None:
        raise SlaClockNotFound(f"no SLA clock {clock_id}", field="id")
    return found


def clocks_for(session: Session, *, object_type: str, object_id: uuid.UUID) -> list[SlaClock]:
    """The clocks of one object, oldest first."""
    return list(
        session.scalars(
            select(SlaClock)
            .where(SlaClock.object_type == object_type, SlaClock.object_id == object_id)
            .order_by(SlaClock.id)
        )
    )


def pause_clock(session: Session, actor: Actor, c: SlaClock, *, reason: str) -> SlaClock:
    """Stop the clock counting (waiting on the other side, say); `reason` is required."""
    reason = reason.strip()
    if not reason:
        raise InvalidSlaClock("say why the clock is paused", field="reason")
    transition(
        session,
        actor,
        c,
        table=TABLE,
        action="pause",
        object_type="sla_clock",
        audit_action="sla.paused",
        reason=reason,
        values={"paused_at": clock_source.now()},
    )
    return c


def resume_clock(
    session: Session, actor: Actor, c: SlaClock, *, reason: str | None = None
) -> SlaClock:
    """Count again; the deadline moves on by the time paused (business time if business)."""
    values = _end_pause(session, c)
    transition(
        session,
        actor,
        c,
        table=TABLE,
        action="resume",
        object_type="sla_clock",
        audit_action="sla.resumed",
        reason=reason,
        values=values,
        detail={"due_at": values.get("due_at", c.due_at).isoformat()},
    )
    return c


def stop_clock(
    session: Session, actor: Actor, c: SlaClock, *, reason: str | None = None
) -> SlaClock:
    """Stop for good: the work is done (or the object closed). A pause in course ends first,
    so the time left is kept as it stood."""
    values: dict[str, Any] = {"stopped_at": clock_source.now()}
    if c.status == SlaStatus.PAUSED:
        values.update(_end_pause(session, c))
    transition(
        session,
        actor,
        c,
        table=TABLE,
        action="stop",
        object_type="sla_clock",
        audit_action="sla.stopped",
        reason=reason,
        values=values,
        detail={"on_time": values["stopped_at"] <= values.get("due_at", c.due_at)},
    )
    return c


def _end_pause(session: Session, c: SlaClock) -> dict[str, Any]:
    """The column values that end the clock's pause now (nothing if it is not paused)."""
    if c.status != SlaStatus.PAUSED or c.paused_at is None:
        return {}
    now = clock_source.now()
    cal = business_calendar(session)
    if c.policy is ClockPolicy.BUSINESS:
        paused = bizcal.business_time_between(c.paused_at, now, cal)
    else:
        paused = now - c.paused_at
    # Whole seconds, so that paused_total_seconds re-adds up to the deadline exactly.
    shift = timedelta(seconds=max(0, round(paused.total_seconds())))
    due = _shift(c, c.due_at, shift, cal)
    values: dict[str, Any] = {
        "paused_at": None,
        "due_at": due,
        "paused_total_seconds": c.paused_total_seconds + int(shift.total_seconds()),
    }
    if c.reminded_at is None and c.remind_before_seconds is not None:
        values["remind_at"] = _remind_at(c, cal, due)
    return values


def _shift(c: SlaClock, at: datetime, amount: timedelta, cal: bizcal.BusinessCalendar) -> datetime:
    if c.policy is ClockPolicy.BUSINESS:
        return bizcal.add_business_time(at, amount, cal)
    return at + amount


def _remind_at(
    c: SlaClock, cal: bizcal.BusinessCalendar, due: datetime | None = None
) -> datetime | None:
    """When the reminder falls for a deadline `due` (default: the clock's own)."""
    if c.remind_before_seconds is None:
        return None
    return _shift(c, due or c.due_at, -timedelta(seconds=c.remind_before_seconds), cal)


def remaining(
    c: SlaClock, now: datetime | None = None, cal: bizcal.BusinessCalendar | None = None
) -> timedelta:
    """Time left until the deadline (negative once overdue): business time for a business
    clock (which needs `cal`), and frozen while the clock is paused or after it stopped."""
    at = now or clock_source.now()
    if c.status == SlaStatus.PAUSED and c.paused_at is not None:
        at = c.paused_at
    elif c.status == SlaStatus.STOPPED and c.stopped_at is not None:
        at = c.stopped_at
    if c.policy is ClockPolicy.WALL:
        return c.due_at - at
    if cal is None:
        raise ValueError("the time left on a business clock needs the business calendar")
    return bizcal.business_time_between(at, c.due_at, cal)


def require_clock_access(session: Session, actor: Actor, c: SlaClock, permission: str) -> None:
    """Refuse unless the actor holds `permission` for the agency that owes the deadline:
    `deadlines.read` (any user of the agency or of an agency above it whose grant covers it)
    or `deadlines.manage` (its liaison, commander or admin) to pause and resume."""
    policy.require_agency(session, actor, permission, c.agency_id)


def to_out(c: SlaClock, cal: bizcal.BusinessCalendar, now: datetime | None = None) -> SlaClockOut:
    left = remaining(c, now, cal)
    return SlaClockOut(
        id=c.id,
        object_type=c.object_type,
        object_id=c.object_id,
        name=c.name,
        agency_id=c.agency_id,
        policy=c.policy,
        budget_seconds=c.budget_seconds,
        budget_days=c.budget_days,
        status=c.status,
        started_at=c.started_at,
        due_at=c.due_at,
        paused_at=c.paused_at,
        paused_total_seconds=c.paused_total_seconds,
        stopped_at=c.stopped_at,
        remind_at=c.remind_at,
        reminded_at=c.reminded_at,
        escalated_at=c.escalated_at,
        escalated_to_agency_id=c.escalated_to_agency_id,
        escalated_to_zone_id=c.escalated_to_zone_id,
        version=c.version,
        remaining_seconds=int(left.total_seconds()),
        overdue=left < timedelta(0),
        allowed_actions=TABLE.allowed_actions(c.status),
    )
