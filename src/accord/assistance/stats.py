"""Statistics of assistance requests per zone, member and period: requests sent and received,
accepted share, median hours to accept and to complete, overdue share, outcomes, counts per
type and urgency, and a monthly series. No personal data: counts and durations only.

What counts for a zone: a request to one agency (a zone request's parent is only a container;
its children count), sent in the period (Asia/Shanghai calendar days, `since` and `until`
included), that was sent to the zone, or whose requester and addressee act under two different
members of the zone on the day it was sent. An agency acts under the nearest member at or above
it (`zones.service.member_for`), so a member counts its own requests and those of every agency
below it; a request inside one member's own tree (Shanghai to its Pudong branch) is that
member's business, not the zone's. The sender's member counts it as sent, the addressee's as
received, and the figures on answering (accepted, times, overdue, outcomes) belong to the
receiving side.

- answered: accepted at some point, or rejected; accepted share = accepted / answered.
- hours to accept: requested_at → accepted_at; to complete: requested_at → completed_at (the
  median over the requests of the period that got there, whenever they did).
- overdue: a clock of the request escalated, or its time ran out before it stopped, was paused
  or now (the deadline moves on by every pause, so a clock paused in time is not late);
  overdue share = overdue / requests with a deadline.
- monthly series: requests sent in each month of the period, and requests completed in each
  month (whenever they were sent), so the chart shows the work done month by month.

The counts are grouped in SQL (by agency pair, stretch of membership, month, type, urgency,
answer, outcome and deadline), then summed per member in Python; the medians are taken in
Python over the durations, which SQL computes.
"""

from __future__ import annotations

import re
import statistics
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import String, and_, case, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.agencies.models import Agency
from accord.assistance.kinds import REQUEST_TYPES, OutcomeCode, Urgency
from accord.assistance.models import AssistanceRequest
from accord.assistance.transitions import RequestStatus
from accord.core import clock
from accord.core.errors import InvalidInput
from accord.deadlines.models import SlaClock
from accord.deadlines.transitions import SlaStatus
from accord.security import policy
from accord.security.actor import Actor, Role
from accord.zones import service as zones_service
from accord.zones.models import Zone, ZoneMember

PERMISSION = "assist.stats"
CLOCK_OBJECT = "assistance_request"
# Roles that see the statistics of every zone, member or not.
EVERY_ZONE_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.AUDITOR})
DEFAULT_MONTHS = 12
MAX_MONTHS = 120
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)  # what a period may name
UNSTATED = "unstated"  # a completed request whose outcome code was not given
TZ = zones_service.CHINA

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class InvalidStatsPeriod(InvalidInput):
    code = "invalid_stats_period"
    title = "Invalid period"


# --- the answer ---------------------------------------------------------------------------


class MonthPoint(BaseModel):
    month: str  # YYYY-MM
    sent: int
    completed: int


class Figures(BaseModel):
    """The figures of one member (or of the whole zone, where sent equals received)."""

    sent: int
    received: int
    answered: int
    accepted: int
    accepted_share: float | None
    median_hours_to_accept: float | None
    completed: int
    median_hours_to_complete: float | None
    with_deadline: int
    overdue: int
    overdue_share: float | None
    outcomes: dict[str, int]
    sent_by_type: dict[str, int]
    received_by_type: dict[str, int]
    sent_by_urgency: dict[str, int]
    received_by_urgency: dict[str, int]
    monthly: list[MonthPoint]


class MemberStats(Figures):
    agency: str
    name_zh: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh


class ZoneStats(BaseModel):
    zone: str
    zone_name_zh: str
    zone_name_en: str
    since: date
    until: date
    member: str | None
    generated_at: datetime
    totals: Figures
    members: list[MemberStats]

    def zone_name(self, locale: str) -> str:
        return self.zone_name_en if locale == "en" else self.zone_name_zh


# --- who may see ---------------------------------------------------------------------------


def sees_every_zone(actor: Actor) -> bool:
    return actor.is_system or (
        policy.allows(actor, PERMISSION) and actor.has_role(*EVERY_ZONE_ROLES)
    )


def visible_zones(session: Session, actor: Actor) -> list[Zone]:
    """The zones whose statistics the actor may see, by code (refused without assist.stats)."""
    policy.require(actor, PERMISSION)
    zones = zones_service.list_zones(session)
    if sees_every_zone(actor):
        return zones
    return [z for z in zones if policy.allows_in_zone(session, actor, PERMISSION, z.id)]


def require_zone(session: Session, actor: Actor, zone: Zone) -> None:
    policy.require(actor, PERMISSION)
    if sees_every_zone(actor) or policy.allows_in_zone(session, actor, PERMISSION, zone.id):
        return
    raise policy.PermissionDenied(
        f"{actor.username} may not see the statistics of zone {zone.code}",
        actor=actor,
        permission=PERMISSION,
    )


# --- the period ----------------------------------------------------------------------------


def parse_day(value: str | None, name: str) -> date | None:
    """A YYYY-MM-DD date from a query string; empty means not given."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidStatsPeriod(
            f"{name}: not a date (YYYY-MM-DD): {value!r}", field=name
        ) from None


def period(since: date | None, until: date | None) -> tuple[date, date]:
    """The period asked for; by default the last 12 months: from the first day of the month
    eleven months back to today (or to `until`)."""
    until = _within(until or zones_service.today(), "until")
    since = _within(
        since or zones_service.add_months(until.replace(day=1), 1 - DEFAULT_MONTHS), "since"
    )
    if since > until:
        raise InvalidStatsPeriod("since must not be after until", field="since")
    if (until.year - since.year) * 12 + until.month - since.month >= MAX_MONTHS:
        raise InvalidStatsPeriod(f"the period may span at most {MAX_MONTHS} months", field="since")
    return since, until


def _within(day: date, name: str) -> date:
    if not EARLIEST <= day <= LATEST:
        raise InvalidStatsPeriod(f"{name}: a date from {EARLIEST} to {LATEST}", field=name)
    return day


def months_between(since: date, until: date) -> list[str]:
    months = []
    day = since.replace(day=1)
    while day <= until:
        months.append(f"{day.year:04d}-{day.month:02d}")
        day = zones_service.add_months(day, 1)
    return months


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), TZ)


def _month_starts(since: date, until: date) -> list[datetime]:
    """The instants at which each month of the period starts, then the end of the period."""
    firsts = [date.fromisoformat(m + "-01") for m in months_between(since, until)]
    return [_start_of(max(d, since)) for d in firsts] + [_start_of(until + timedelta(days=1))]


# --- the zone's members and their trees ----------------------------------------------------


def members_in_period(zone: Zone, since: date, until: date) -> list[Agency]:
    """The member agencies whose membership overlaps the period, by code."""
    found: dict[uuid.UUID, Agency] = {}
    for m in zone.members:
        if m.joined_on <= until and (m.left_on is None or m.left_on > since):
            found[m.agency_id] = m.agency
    return sorted(found.values(), key=lambda a: a.code)


def _raw(column: Any) -> Any:
    """An id column read as the driver gives it (hex text on SQLite, a UUID on PostgreSQL):
    the rows carry a few hundred thousand ids that only serve to look up a member."""
    return type_coerce(column, String)


def _member_tree(zone: Zone) -> Any:
    """A recursive CTE of (agency_id, member_id, depth): every agency at or below a member
    agency of the zone (whenever it was one), with its distance from that member."""
    member_ids = {m.agency_id for m in zone.members}
    tree = (
        select(
            Agency.id.label("agency_id"),
            Agency.id.label("member_id"),
            literal(0).label("depth"),
        )
        .where(Agency.id.in_(member_ids))
        .cte("member_tree", recursive=True)
    )
    return tree.union_all(
        select(Agency.id, tree.c.member_id, tree.c.depth + 1).where(
            Agency.parent_id == tree.c.agency_id
        )
    )


@dataclass
class _Members:
    """Which member an agency acts under in each stretch of time: the nearest member at or
    above it that is a member then. Memberships change only on their join and leave dates,
    which cut time into stretches (`stretch` numbers them in SQL)."""

    candidates: dict[Any, list[uuid.UUID]]  # raw agency id -> member agencies, nearest first
    periods: dict[uuid.UUID, list[ZoneMember]]  # member agency -> its membership periods
    cuts: list[date]  # the dates on which some membership starts or ends, in order
    _cache: dict[tuple[Any, int], uuid.UUID | None] = field(default_factory=dict)

    def stretch(self, at: Any) -> Any:
        """SQL: the number of the stretch in which the instant `at` falls."""
        if not self.cuts:
            return literal(0)
        whens = [(at < _start_of(cut), i) for i, cut in enumerate(self.cuts)]
        return case(*whens, else_=len(self.cuts))

    def day_in(self, stretch: int) -> date:
        return self.cuts[stretch - 1] if stretch else date.min

    def of(self, raw_agency: Any, stretch: int) -> uuid.UUID | None:
        key = (raw_agency, stretch)
        if key not in self._cache:
            day = self.day_in(stretch)
            self._cache[key] = next(
                (
                    m
                    for m in self.candidates.get(raw_agency, [])
                    if any(p.active_on(day) for p in self.periods[m])
                ),
                None,
            )
        return self._cache[key]


def _members(session: Session, zone: Zone) -> _Members:
    tree = _member_tree(zone)
    rows = session.execute(select(_raw(tree.c.agency_id), tree.c.member_id, tree.c.depth))
    by_agency: dict[Any, list[tuple[int, uuid.UUID]]] = defaultdict(list)
    for raw_agency, member_id, depth in rows:
        by_agency[raw_agency].append((depth, member_id))
    periods: dict[uuid.UUID, list[ZoneMember]] = defaultdict(list)
    cuts: set[date] = set()
    for m in zone.members:
        periods[m.agency_id].append(m)
        cuts |= {m.joined_on} | ({m.left_on} if m.left_on else set())
    return _Members(
        candidates={a: [m for _, m in sorted(c, key=lambda x: x[0])] for a, c in by_agency.items()},
        periods=periods,
        cuts=sorted(cuts),
    )


# --- the queries ---------------------------------------------------------------------------


def _overdue_flag(now: datetime) -> Any:
    """1 if any clock of the request is overdue, 0 if it has clocks and none is, else NULL."""
    late = or_(
        SlaClock.escalated_at.is_not(None),
        and_(SlaClock.status == SlaStatus.STOPPED, SlaClock.stopped_at > SlaClock.due_at),
        and_(SlaClock.status == SlaStatus.PAUSED, SlaClock.paused_at > SlaClock.due_at),
        and_(SlaClock.status == SlaStatus.RUNNING, SlaClock.due_at < now),
    )
    return (
        select(func.max(case((late, 1), else_=0)))
        .where(SlaClock.object_type == CLOCK_OBJECT, SlaClock.object_id == AssistanceRequest.id)
        .correlate(AssistanceRequest)
        .scalar_subquery()
    )


def _month_index(at: Any, starts: list[datetime]) -> Any:
    """SQL: which month of the period the instant `at` falls in (0 = the first), else NULL."""
    whens = [(at < starts[0], None)] + [(at < starts[i + 1], i) for i in range(len(starts) - 1)]
    return case(*whens, else_=None)


def _seconds(session: Session, start: Any, end: Any) -> Any:
    """SQL: the seconds from `start` to `end`, on either database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


@dataclass(frozen=True)
class _Frame:
    """What the queries need to know: the zone, its tree, the period's month starts."""

    zone: Zone
    members: _Members
    starts: list[datetime]

    @property
    def start(self) -> datetime:
        return self.starts[0]

    @property
    def end(self) -> datetime:
        return self.starts[-1]

    def where(self) -> list[Any]:
        """Requests to one agency, sent or completed in the period, that touch the zone."""
        r = AssistanceRequest
        tree = _member_tree(self.zone)
        in_tree = select(tree.c.agency_id)
        return [
            r.addressee_agency_id.is_not(None),
            r.requested_at.is_not(None),
            or_(
                and_(r.requested_at >= self.start, r.requested_at < self.end),
                and_(
                    r.status == RequestStatus.COMPLETED,
                    r.completed_at >= self.start,
                    r.completed_at < self.end,
                ),
            ),
            or_(
                r.zone_id == self.zone.id,
                and_(r.requesting_agency_id.in_(in_tree), r.addressee_agency_id.in_(in_tree)),
            ),
        ]

    def keys(self) -> list[Any]:
        r = AssistanceRequest
        return [
            _raw(r.requesting_agency_id).label("requester"),
            _raw(r.addressee_agency_id).label("addressee"),
            _flag(r.zone_id == self.zone.id).label("to_zone"),
            self.members.stretch(r.requested_at).label("stretch"),
        ]


@dataclass(frozen=True)
class _Group:
    """Requests alike in everything the counts look at, and how many there are."""

    requester: Any
    addressee: Any
    to_zone: int
    stretch: int
    month: int | None  # the month sent, None if sent before the period
    done_month: int | None  # the month completed, if completed in the period
    request_type: str
    urgency: str
    accepted: int
    rejected: int
    completed: int
    outcome_code: str | None
    clock_state: int | None  # None: no clock; 1: overdue; 0: in time
    count: int


def _groups(session: Session, frame: _Frame) -> list[_Group]:
    r = AssistanceRequest
    completed = and_(r.status == RequestStatus.COMPLETED, r.completed_at.is_not(None))
    rows = (
        select(
            *frame.keys(),
            _month_index(r.requested_at, frame.starts).label("month"),
            case((completed, _month_index(r.completed_at, frame.starts)), else_=None).label(
                "done_month"
            ),
            r.request_type.label("request_type"),
            r.urgency.label("urgency"),
            _flag(r.accepted_at.is_not(None)).label("accepted"),
            _flag(r.status == RequestStatus.REJECTED).label("rejected"),
            _flag(completed).label("completed"),
            r.outcome_code.label("outcome_code"),
            _overdue_flag(clock.now()).label("clock_state"),
        )
        .where(*frame.where())
        .subquery("requests")
    )
    columns = list(rows.c)
    stmt = select(*columns, func.count()).group_by(*columns)
    return [_Group(*tuple(row)) for row in session.execute(stmt)]


def _durations(session: Session, frame: _Frame) -> list[tuple[Any, ...]]:
    """(requester, addressee, to_zone, stretch, seconds to accept, seconds to complete) of the
    requests sent in the period that were accepted or completed."""
    r = AssistanceRequest
    completed = and_(r.status == RequestStatus.COMPLETED, r.completed_at.is_not(None))
    stmt = select(
        *frame.keys(),
        _seconds(session, r.requested_at, r.accepted_at),
        case((completed, _seconds(session, r.requested_at, r.completed_at)), else_=None),
    ).where(
        *frame.where(),
        r.requested_at >= frame.start,
        r.requested_at < frame.end,
        or_(r.accepted_at.is_not(None), completed),
    )
    return [tuple(row) for row in session.execute(stmt)]


# The side of a zone request that no member stands for (a requester outside the zone's tree).
_NOBODY = object()


# --- the tallies ---------------------------------------------------------------------------


@dataclass
class _Tally:
    sent: int = 0
    received: int = 0
    answered: int = 0
    accepted: int = 0
    completed: int = 0
    with_deadline: int = 0
    overdue: int = 0
    hours_to_accept: list[float] = field(default_factory=list)
    hours_to_complete: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    sent_by_type: Counter[str] = field(default_factory=Counter)
    received_by_type: Counter[str] = field(default_factory=Counter)
    sent_by_urgency: Counter[str] = field(default_factory=Counter)
    received_by_urgency: Counter[str] = field(default_factory=Counter)
    monthly_sent: Counter[int] = field(default_factory=Counter)
    monthly_completed: Counter[int] = field(default_factory=Counter)

    def count_sent(self, g: _Group) -> None:
        if g.month is None:
            return
        self.sent += g.count
        self.sent_by_type[g.request_type] += g.count
        self.sent_by_urgency[g.urgency] += g.count
        self.monthly_sent[g.month] += g.count

    def count_received(self, g: _Group) -> None:
        if g.done_month is not None:
            self.monthly_completed[g.done_month] += g.count
        if g.month is None:
            return
        self.received += g.count
        self.received_by_type[g.request_type] += g.count
        self.received_by_urgency[g.urgency] += g.count
        self.accepted += g.accepted * g.count
        self.answered += (g.accepted or g.rejected) * g.count
        if g.completed:
            self.completed += g.count
            self.outcomes[g.outcome_code or UNSTATED] += g.count
        if g.clock_state is not None:
            self.with_deadline += g.count
            self.overdue += g.clock_state * g.count

    def count_durations(self, to_accept: float | None, to_complete: float | None) -> None:
        if to_accept is not None:
            self.hours_to_accept.append(float(to_accept) / 3600)
        if to_complete is not None:
            self.hours_to_complete.append(float(to_complete) / 3600)

    def figures(self, months: list[str], types: list[str]) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "received": self.received,
            "answered": self.answered,
            "accepted": self.accepted,
            "accepted_share": _share(self.accepted, self.answered),
            "median_hours_to_accept": _median(self.hours_to_accept),
            "completed": self.completed,
            "median_hours_to_complete": _median(self.hours_to_complete),
            "with_deadline": self.with_deadline,
            "overdue": self.overdue,
            "overdue_share": _share(self.overdue, self.with_deadline),
            "outcomes": _keyed(self.outcomes, OUTCOME_KEYS),
            "sent_by_type": _keyed(self.sent_by_type, types),
            "received_by_type": _keyed(self.received_by_type, types),
            "sent_by_urgency": _keyed(self.sent_by_urgency, URGENCY_KEYS),
            "received_by_urgency": _keyed(self.received_by_urgency, URGENCY_KEYS),
            "monthly": [
                MonthPoint(month=m, sent=self.monthly_sent[i], completed=self.monthly_completed[i])
                for i, m in enumerate(months)
            ],
        }


OUTCOME_KEYS = [o.value for o in OutcomeCode] + [UNSTATED]
URGENCY_KEYS = [u.value for u in Urgency]


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _keyed(counts: Counter[str], keys: Iterable[str]) -> dict[str, int]:
    """Every known key (zero included, in the vocabulary's order), then any other seen."""
    out = {k: counts[k] for k in keys}
    for k in sorted(counts):
        out.setdefault(k, counts[k])
    return out


def type_keys(seen: Iterable[str] = ()) -> list[str]:
    keys = list(REQUEST_TYPES)
    return keys + sorted(set(seen) - set(keys))


# --- the service ---------------------------------------------------------------------------


def zone_stats(
    session: Session,
    actor: Actor,
    *,
    zone_code: str,
    member_code: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> ZoneStats:
    """The statistics of a zone over a period, for every member or for one (`member_code`)."""
    zone = zones_service.get_zone(session, zone_code)
    require_zone(session, actor, zone)
    since, until = period(since, until)
    members = members_in_period(zone, since, until)
    if member_code:
        agency = agencies_service.get_by_code(session, member_code)
        if agency.id not in {a.id for a in members}:
            raise zones_service.NotAMember(
                f"{agency.code} is not a member of {zone.code} in that period", field="member"
            )
        shown = [agency]
    else:
        shown = members
    frame = _Frame(zone, _members(session, zone), _month_starts(since, until))
    acting = frame.members

    def sides(requester: Any, addressee: Any, to_zone: int, stretch: int) -> tuple[Any, Any]:
        """The members on either side, or None when the request is not the zone's."""
        sender, receiver = acting.of(requester, stretch), acting.of(addressee, stretch)
        if not to_zone and (sender is None or receiver is None or sender == receiver):
            return None, None  # not between two members of the zone
        return sender or _NOBODY, receiver or _NOBODY

    total = _Tally()
    by_member: dict[Any, _Tally] = defaultdict(_Tally)
    seen_types: set[str] = set()
    for g in _groups(session, frame):
        sender, receiver = sides(g.requester, g.addressee, g.to_zone, g.stretch)
        if sender is None:
            continue
        if g.month is not None:
            seen_types.add(g.request_type)
        for tally in (total, by_member[sender]):
            tally.count_sent(g)
        for tally in (total, by_member[receiver]):
            tally.count_received(g)
    for requester, addressee, to_zone, stretch, to_accept, to_complete in _durations(
        session, frame
    ):
        sender, receiver = sides(requester, addressee, to_zone, stretch)
        if sender is None:
            continue
        for tally in (total, by_member[receiver]):
            tally.count_durations(to_accept, to_complete)
    months = months_between(since, until)
    types = type_keys(seen_types)
    return ZoneStats(
        zone=zone.code,
        zone_name_zh=zone.name_zh,
        zone_name_en=zone.name_en,
        since=since,
        until=until,
        member=shown[0].code if member_code else None,
        generated_at=clock.now(),
        totals=Figures(**total.figures(months, types)),
        members=[
            MemberStats(
                agency=a.code,
                name_zh=a.name_zh,
                name_en=a.name_en,
                **by_member[a.id].figures(months, types),
            )
            for a in shown
        ],
    )


# --- CSV -------------------------------------------------------------------------------------


def csv_columns(stats: ZoneStats) -> list[str]:
    types = list(stats.totals.sent_by_type)
    return [
        "member",
        "name_zh",
        "name_en",
        "sent",
        "received",
        "answered",
        "accepted",
        "accepted_share",
        "median_hours_to_accept",
        "completed",
        "median_hours_to_complete",
        "with_deadline",
        "overdue",
        "overdue_share",
        *[f"outcome_{k}" for k in OUTCOME_KEYS],
        *[f"sent_{k}" for k in URGENCY_KEYS],
        *[f"received_{k}" for k in URGENCY_KEYS],
        *[f"sent_type_{k}" for k in types],
        *[f"received_type_{k}" for k in types],
    ]


def csv_rows(stats: ZoneStats) -> list[list[str]]:
    """One row per member (after the header), numbers as plain text, empty where undefined."""
    types = list(stats.totals.sent_by_type)

    def cell(value: object) -> str:
        return "" if value is None else str(value)

    rows = [csv_columns(stats)]
    for m in stats.members:
        rows.append(
            [
                m.agency,
                m.name_zh,
                m.name_en,
                *(
                    cell(getattr(m, name))
                    for name in (
                        "sent",
                        "received",
                        "answered",
                        "accepted",
                        "accepted_share",
                        "median_hours_to_accept",
                        "completed",
                        "median_hours_to_complete",
                        "with_deadline",
                        "overdue",
                        "overdue_share",
                    )
                ),
                *(cell(m.outcomes.get(k, 0)) for k in OUTCOME_KEYS),
                *(cell(m.sent_by_urgency.get(k, 0)) for k in URGENCY_KEYS),
                *(cell(m.received_by_urgency.get(k, 0)) for k in URGENCY_KEYS),
                *(cell(m.sent_by_type.get(k, 0)) for k in types),
                *(cell(m.received_by_type.get(k, 0)) for k in types),
            ]
        )
    return rows
