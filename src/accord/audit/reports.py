"""Auditor reports: checks made without a case reference, and users whose query volume is
unusual for their role.

A "query" is an event whose action starts with one of `QUERY_ACTION_PREFIXES`. Volume is
counted per user and per calendar day in the installation's display time zone, and compared
with the other user-days of the same role (the roles recorded on each event by `record()`)
by a robust z-score: (count - median) / (1.4826 x MAD), the MAD scaled to a standard deviation
of normal data and floored at 1 so that a role where everyone makes the same number of checks
does not flag a user for one more. A user holding several roles is judged against the role in
which they look least unusual, and flagged only above both the z threshold and a minimum count.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.audit.service import InvalidAuditQuery, agency_codes, readable
from accord.core.config import get_settings
from accord.security.actor import Actor

# Actions that read personal data on a query: checks against alerts, searches, record views.
# Matched as prefixes ("records.view" also covers "records.view_entity").
QUERY_ACTION_PREFIXES: tuple[str, ...] = ("check.", "search.", "records.view")

MAD_TO_SIGMA = 1.4826  # MAD x this estimates the standard deviation of normal data
DEFAULT_Z = 3.0
DEFAULT_MIN_COUNT = 30
NO_ROLE = "(none)"


def is_query() -> ColumnElement[bool]:
    return or_(*(AuditEvent.action.startswith(p, autoescape=True) for p in QUERY_ACTION_PREFIXES))


def _period(since: datetime, until: datetime) -> None:
    if since.tzinfo is None or until.tzinfo is None:
        raise InvalidAuditQuery("the period needs time zone offsets", field="since")
    if until <= since:
        raise InvalidAuditQuery("the period ends before it starts", field="until")


def _base(session: Session, actor: Actor, since: datetime, until: datetime) -> list[Any]:
    _period(since, until)
    conditions: list[Any] = [is_query(), AuditEvent.occurred_at >= since]
    conditions.append(AuditEvent.occurred_at < until)
    scope = readable(session, actor)
    if scope is not None:
        conditions.append(scope)
    return conditions


# --- checks without a case reference ----------------------------------------------------------


@dataclass
class UnlinkedChecks:
    """One user's queries without a case reference in the period."""

    username: str
    agency_code: str | None
    count: int
    first_at: datetime
    last_at: datetime
    actions: dict[str, int] = field(default_factory=dict)


def checks_without_case(
    session: Session, actor: Actor, *, since: datetime, until: datetime
) -> list[UnlinkedChecks]:
    """Per user, the queries in [since, until) that gave no case reference; most first."""
    conditions = _base(session, actor, since, until)
    no_case = or_(AuditEvent.case_ref.is_(None), AuditEvent.case_ref == "")
    rows = session.execute(
        select(
            AuditEvent.actor_username,
            AuditEvent.actor_agency_id,
            AuditEvent.action,
            func.count(),
            func.min(AuditEvent.occurred_at),
            func.max(AuditEvent.occurred_at),
        )
        .where(*conditions, no_case)
        .group_by(AuditEvent.actor_username, AuditEvent.actor_agency_id, AuditEvent.action)
    ).all()
    codes = agency_codes(session, [row[1] for row in rows])
    users: dict[tuple[str, Any], UnlinkedChecks] = {}
    for username, agency_id, action, count, first, last in rows:
        # Aggregates may lose the column's type on SQLite and come back naive or as text.
        first_at, last_at = _as_time(first), _as_time(last)
        entry = users.get((username, agency_id))
        if entry is None:
            entry = users[(username, agency_id)] = UnlinkedChecks(
                username, codes.get(agency_id), 0, first_at, last_at
            )
        entry.count += int(count)
        entry.first_at = min(entry.first_at, first_at)
        entry.last_at = max(entry.last_at, last_at)
        entry.actions[action] = int(count)
    return sorted(users.values(), key=lambda u: (-u.count, u.username))


def _as_time(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- unusual query volume ---------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """What a day of queries looks like for a role in the period."""

    role: str
    median: float
    mad: float
    user_days: int
    users: int


@dataclass(frozen=True)
class UnusualDay:
    """A user's day whose query count stands out among the user-days of their role."""

    username: str
    agency_code: str | None
    day: date
    count: int
    role: str
    role_median: float
    robust_z: float


@dataclass(frozen=True)
class VolumeReport:
    flagged: list[UnusualDay]
    baselines: dict[str, Baseline]
    threshold: float
    min_count: int


def _scale(mad: float) -> float:
    return max(MAD_TO_SIGMA * mad, 1.0)


def unusual_volume(
    session: Session,
    actor: Actor,
    *,
    since: datetime,
    until: datetime,
    threshold: float = DEFAULT_Z,
    min_count: int = DEFAULT_MIN_COUNT,
) -> VolumeReport:
    """User-days in [since, until) with a query count above the role's median by more than
    `threshold` robust standard deviations, and at least `min_count`; highest z first.

    Events are read as (user, time, roles) rows and counted here, which keeps the day boundary
    in the display time zone on both databases; a month of a large deployment's checks is a
    few million small rows, read in batches.
    """
    if threshold <= 0:
        raise InvalidAuditQuery("the threshold must be positive", field="threshold")
    if min_count < 1:
        raise InvalidAuditQuery("the minimum count must be at least 1", field="min_count")
    conditions = _base(session, actor, since, until)
    zone = ZoneInfo(get_settings().display_timezone)
    counts: Counter[tuple[str, Any, date]] = Counter()
    roles: dict[tuple[str, Any, date], set[str]] = defaultdict(set)
    stmt = (
        select(
            AuditEvent.actor_username,
            AuditEvent.actor_agency_id,
            AuditEvent.occurred_at,
            AuditEvent.detail,
        )
        .where(*conditions)
        .execution_options(yield_per=5000)
    )
    for username, agency_id, occurred_at, detail in session.execute(stmt):
        key = (username, agency_id, occurred_at.astimezone(zone).date())
        counts[key] += 1
        recorded = (detail or {}).get("actor_roles") if isinstance(detail, dict) else None
        roles[key].update(recorded if isinstance(recorded, list) and recorded else [NO_ROLE])

    by_role: dict[str, list[int]] = defaultdict(list)
    users_by_role: dict[str, set[str]] = defaultdict(set)
    for key, count in counts.items():
        for role in roles[key]:
            by_role[role].append(count)
            users_by_role[role].add(key[0])
    baselines: dict[str, Baseline] = {}
    for role, values in sorted(by_role.items()):
        median = float(statistics.median(values))
        mad = float(statistics.median(abs(v - median) for v in values))
        baselines[role] = Baseline(role, median, mad, len(values), len(users_by_role[role]))

    codes = agency_codes(session, [key[1] for key in counts])
    flagged: list[UnusualDay] = []
    for (username, agency_id, day), count in counts.items():
        if count < min_count:
            continue
        # Judge against the role in which the day looks least unusual.
        z, role = min(
            ((count - baselines[r].median) / _scale(baselines[r].mad), r)
            for r in roles[(username, agency_id, day)]
        )
        if z > threshold:
            flagged.append(
                UnusualDay(
                    username=username,
                    agency_code=codes.get(agency_id),
                    day=day,
                    count=count,
                    role=role,
                    role_median=baselines[role].median,
                    robust_z=round(z, 2),
                )
            )
    flagged.sort(key=lambda d: (-d.robust_z, d.username, d.day))
    return VolumeReport(flagged, baselines, threshold, min_count)
