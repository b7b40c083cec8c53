"""The series a reader may see: the agencies whose cases they see (and how), one filtered
statement behind the API's cursor pages and the web list's numbered ones, summaries that name
no person, and a series' cases that are still shared.

A reader sees a series when one of its live cases (active, not expired) is at an agency whose
cases the zones' rules show them, in full or as a match only; the rest of its cases are only
counted. Filtering by an agency whose cases the reader does not see matches nothing: otherwise
the filter would tell where cases are.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.core.errors import InvalidInput, NotFound
from accord.core.pagination import DEFAULT_LIMIT, Page, paginate
from accord.records import access
from accord.records.models import SharedRecord
from accord.security import policy
from accord.security.actor import Actor
from accord.series.models import Series, SeriesCase

ACTION = "series.read"
CASE_SCHEMA = "Event"  # a case is an Event record (docs/records-exchange.md)
CHUNK = 5000


class SeriesNotFound(NotFound):
    code = "series_not_found"
    title = "Series not found"


def case_day(properties: Mapping[str, Any]) -> date | None:
    """The day of a case: its Event's `date`, else its `startDate`."""
    for prop in ("date", "startDate"):
        for value in properties.get(prop, []):
            try:
                return date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return None


# --- scope -----------------------------------------------------------------------------------


def visible_agencies(session: Session, actor: Actor) -> dict[uuid.UUID, str] | None:
    """The agencies holding series cases the actor may see, with how ("full" or "hit"); None
    for the installation itself (everything)."""
    if actor.is_system:
        return None
    seen = access.viewer(session, actor)
    found: dict[uuid.UUID, str] = {}
    for agency_id in session.scalars(select(SeriesCase.agency_id).distinct()):
        mode = seen.access(agency_id, CASE_SCHEMA).mode
        if mode is not None:
            found[agency_id] = mode
    return found


def live_case(agency_ids: Collection[uuid.UUID] | None) -> Any:
    """The series has a live case at one of `agency_ids` (at any agency: None)."""
    stmt = (
        select(SeriesCase.record_id)
        .join(SharedRecord, SharedRecord.id == SeriesCase.record_id)
        .where(
            SeriesCase.series_id == Series.id,
            SharedRecord.status == "active",
            SharedRecord.expires_on >= access.today(),
        )
    )
    if agency_ids is not None:
        stmt = stmt.where(SeriesCase.agency_id.in_(list(agency_ids) or [uuid.UUID(int=0)]))
    return exists(stmt)


def readable(session: Session, actor: Actor) -> Select[Series]:
    """The active series of which the actor may see at least one live case."""
    shown = visible_agencies(session, actor)
    return select(Series).where(
        Series.status == "active", live_case(None if shown is None else set(shown))
    )


def filter_agencies(session: Session, actor: Actor) -> list[access.AgencyRef]:
    """The agencies the list can be filtered by: those whose series cases the actor sees."""
    policy.require(actor, ACTION)
    shown = visible_agencies(session, actor)
    ids = set(session.scalars(select(SeriesCase.agency_id).distinct())) if shown is None else shown
    return sorted(access.agency_refs(session, ids).values(), key=lambda a: a.code)


# --- the list --------------------------------------------------------------------------------


def filtered(
    session: Session,
    actor: Actor,
    *,
    agencies: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    min_size: int | None = None,
    min_score: float | None = None,
) -> Select[Series]:
    """The series the actor may list: with a case at one of `agencies` (codes; an unknown code
    is refused, one whose cases the actor does not see matches nothing), whose period overlaps
    `since` .. `until`, of at least `min_size` cases and `min_score`."""
    policy.require(actor, ACTION)
    stmt = readable(session, actor)
    if agencies:
        known = dict(
            session.execute(select(Agency.code, Agency.id).where(Agency.code.in_(agencies))).all()
        )
        unknown = set(agencies) - set(known)
        if unknown:
            raise InvalidInput(f"no agency {', '.join(sorted(unknown))}", field="agency")
        shown = visible_agencies(session, actor)
        stmt = stmt.where(live_case({a for a in known.values() if shown is None or a in shown}))
    if since is not None:
        stmt = stmt.where(func.coalesce(Series.last_date, Series.first_date) >= since)
    if until is not None:
        stmt = stmt.where(func.coalesce(Series.first_date, Series.last_date) <= until)
    if min_size is not None and min_size > 2:
        stmt = stmt.where(Series.size >= min_size)
    if min_score is not None and min_score > 0:
        stmt = stmt.where(Series.score >= min_score)
    return stmt


def readable_series(
    session: Session,
    actor: Actor,
    *,
    agencies: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    min_size: int | None = None,
    min_score: float | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[Series]:
    """The filtered series, strongest first, in cursor pages (the API and the CLI)."""
    stmt = filtered(
        session,
        actor,
        agencies=agencies,
        since=since,
        until=until,
        min_size=min_size,
        min_score=min_score,
    )
    return paginate(
        session, stmt, keys=[Series.score, Series.key], cursor=cursor, limit=limit, descending=True
    )


@dataclass(frozen=True)
class Summary:
    """A series in a list as one reader may see it: the agencies the reader sees cases at, how
    many cases are at agencies the reader does not share with, and the period of the cases the
    reader sees in full (a match-only case shows no date)."""

    series: Series
    agencies: list[access.AgencyRef]
    hidden: int
    first: date | None
    last: date | None

    @property
    def key(self) -> str:
        return self.series.key

    @property
    def score(self) -> float:
        return self.series.score

    @property
    def size(self) -> int:
        return self.series.size

    @property
    def cross_regional(self) -> bool:
        return self.series.cross_regional

    @property
    def updated_at(self) -> datetime:
        return self.series.updated_at


@dataclass(frozen=True)
class SeriesPage:
    items: list[Summary]
    total: int


def series_list(
    session: Session,
    actor: Actor,
    *,
    agencies: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    min_size: int | None = None,
    min_score: float | None = None,
    limit: int = 50,
    offset: int = 0,
) -> SeriesPage:
    """The filtered series, strongest first, in numbered pages with their total (the web list)."""
    stmt = filtered(
        session,
        actor,
        agencies=agencies,
        since=since,
        until=until,
        min_size=min_size,
        min_score=min_score,
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(
        session.scalars(
            stmt.order_by(Series.score.desc(), Series.key.desc()).limit(limit).offset(offset)
        )
    )
    return SeriesPage(summaries(session, actor, rows), int(total))


def summaries(session: Session, actor: Actor, rows: Sequence[Series]) -> list[Summary]:
    shown = visible_agencies(session, actor)
    found: dict[uuid.UUID, list[tuple[uuid.UUID, dict[str, Any]]]] = defaultdict(list)
    ids = [r.id for r in rows]
    for start in range(0, len(ids), CHUNK):
        for series_id, agency_id, properties in session.execute(
            select(SeriesCase.series_id, SeriesCase.agency_id, SharedRecord.properties)
            .join(SharedRecord, SharedRecord.id == SeriesCase.record_id)
            .where(
                SeriesCase.series_id.in_(ids[start : start + CHUNK]),
                SharedRecord.status == "active",
                SharedRecord.expires_on >= access.today(),
            )
        ):
            found[series_id].append((agency_id, properties))
    refs = access.agency_refs(session, {a for cases in found.values() for a, _ in cases})
    out = []
    for row in rows:
        cases = found[row.id]
        seen = [c for c in cases if shown is None or c[0] in shown]
        full = [c for c in seen if shown is None or shown[c[0]] == access.FULL]
        days = [d for _, p in full if (d := case_day(p)) is not None]
        out.append(
            Summary(
                series=row,
                agencies=sorted({refs[a] for a, _ in seen}, key=lambda r: r.code),
                hidden=len(cases) - len(seen),
                first=min(days, default=None),
                last=max(days, default=None),
            )
        )
    return out


# --- one series ------------------------------------------------------------------------------


def get_series(session: Session, key: str, *, lock: bool = False) -> Series:
    """A series by its key, whoever asks (callers check the reader); with `lock`, its row is
    locked until the transaction ends (two clicks at once on PostgreSQL: the second waits)."""
    wanted = key.strip()
    stmt = select(Series).where(Series.key.in_({wanted, wanted.upper()}))
    if lock:
        stmt = stmt.with_for_update()
    found = session.scalars(stmt).first()
    if found is None:
        raise SeriesNotFound(f"no series {key!r}", field="series")
    return found


def live_cases(session: Session, series: Series) -> list[SharedRecord]:
    """The series' cases that are still shared (active and not expired), by agency and id."""
    rows = session.scalars(
        select(SharedRecord)
        .join(SeriesCase, SeriesCase.record_id == SharedRecord.id)
        .where(SeriesCase.series_id == series.id)
        .order_by(SharedRecord.agency_id, SharedRecord.entity_id)
    )
    day = access.today()
    return [r for r in rows if access.is_live(r, day)]
