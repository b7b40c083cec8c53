"""Crime series under /api/v1: run discovery, list the series a reader may see, read one series
(with a purpose; audited; hit-only cases as "match at agency X"), mark or unmark a hub."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from accord.records.access import AgencyRef
from accord.security.actor import Actor
from accord.security.deps import require
from accord.series import hubs, reading, service, views
from accord.series.models import IdentifierMark, SeriesRun
from accord.series.schemas import (
    AgencyOut,
    CaseOut,
    DiscoverIn,
    EvidenceOut,
    HubIn,
    HubOut,
    IdentifierOut,
    RunOut,
    SeriesListOut,
    SeriesOut,
    SeriesSummaryOut,
)
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.problems import CHANGE_RESPONSES, PROBLEM_RESPONSES

router = APIRouter(tags=["crime series"], responses=PROBLEM_RESPONSES)
Reader = Annotated[Actor, Depends(require("series.read"))]
Discoverer = Annotated[Actor, Depends(require("series.discover"))]
Marker = Annotated[Actor, Depends(require("series.mark"))]
Purpose = Annotated[str | None, Query(max_length=300, description="Why you look (required)")]


def run_out(r: SeriesRun) -> RunOut:
    return RunOut(
        id=r.id,
        mode=r.mode,
        started_at=r.started_at,
        finished_at=r.finished_at,
        cases=r.cases,
        series=r.series,
        hubs=r.hubs,
        seconds=r.seconds,
        run_by=r.run_by,
    )


def hub_out(r: IdentifierMark) -> HubOut:
    return HubOut(
        id=r.id,
        kind=r.kind,
        value=r.value,
        hub=r.hub,
        reason=r.reason,
        by=r.username,
        at=r.created_at,
    )


def agency_out(a: AgencyRef) -> AgencyOut:
    return AgencyOut(code=a.code, name_zh=a.name_zh, name_en=a.name_en)


@router.post("/series/discover", response_model=RunOut, status_code=201, responses=CHANGE_RESPONSES)
def discover(body: DiscoverIn, session: DbSession, actor: Discoverer) -> RunOut:
    """Discover crime series now: only the components of cases new, changed or withdrawn since
    the last run, unless `full`. The agencies of new and grown series are told."""
    run = service.discover(session, actor, full=body.full)
    session.commit()
    return run_out(run)


@router.get("/series/runs", response_model=list[RunOut])
def list_runs(session: DbSession, actor: Reader) -> list[RunOut]:
    return [run_out(r) for r in service.last_runs(session, 20)]


@router.get("/series/hubs", response_model=list[HubOut])
def list_hubs(session: DbSession, actor: Reader) -> list[HubOut]:
    """The analysts' marks in force (the latest on each identifier), newest first."""
    return [hub_out(r) for r in hubs.latest_marks(session)]


@router.get("/series", response_model=SeriesListOut)
def list_series(
    session: DbSession,
    actor: Reader,
    agency: Annotated[list[str] | None, Query(description="Agency codes (any of them).")] = None,
    since: Annotated[date | None, Query(description="Series with a case on or after.")] = None,
    until: Annotated[date | None, Query(description="Series with a case on or before.")] = None,
    min_size: Annotated[int, Query(ge=2, le=100_000)] = 2,
    min_score: Annotated[float, Query(ge=0.0, le=1.0)] = 0.0,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> SeriesListOut:
    """The series with at least one case you may see, strongest first. Lists no personal data:
    the agencies you see cases at, how many are elsewhere, the period of what you see in full."""
    page = reading.readable_series(
        session,
        actor,
        agencies=agency or (),
        since=since,
        until=until,
        min_size=min_size,
        min_score=min_score,
        cursor=cursor,
        limit=limit,
    )
    return SeriesListOut(
        items=[
            SeriesSummaryOut(
                key=s.series.key,
                score=s.series.score,
                size=s.series.size,
                cross_regional=s.series.cross_regional,
                agencies=[agency_out(a) for a in s.agencies],
                hidden=s.hidden,
                first=s.first,
                last=s.last,
                updated_at=s.series.updated_at,
            )
            for s in reading.summaries(session, actor, page.items)
        ],
        next_cursor=page.next_cursor,
    )


@router.get("/series/{key}", response_model=SeriesOut)
def read_series(
    key: str, session: AuditedReadSession, actor: Reader, purpose: Purpose = None
) -> SeriesOut:
    """One series as you may see it: its cases (hit-only ones as "match at agency X"), the
    identifiers that link them (a value only where you see a record carrying it in full) and
    the evidence paths case -> identifier -> case. Audited with the purpose."""
    view = views.series_view(session, actor, key, purpose=purpose)
    session.commit()
    series = view.series
    return SeriesOut(
        key=series.key,
        status=series.status,
        score=series.score,
        size=series.size,
        cross_regional=series.cross_regional,
        updated_at=series.updated_at,
        agencies=[agency_out(a) for a in view.agencies],
        cases=[CaseOut(id=c.node, day=c.day, record=c.view.as_dict()) for c in view.cases],
        identifiers=[
            IdentifierOut(
                id=i.node, kind=i.kind, value=i.value, match_at=[a.code for a in i.agencies]
            )
            for i in view.identifiers
        ],
        evidence=[
            EvidenceOut(
                left=p.left.node, identifier=p.identifier.node, right=p.right.node, weight=p.weight
            )
            for p in view.evidence
        ],
        hidden=view.hidden,
        hidden_links=view.hidden_links,
    )


@router.post(
    "/series/hubs", response_model=list[HubOut], status_code=201, responses=CHANGE_RESPONSES
)
def mark_hub(body: HubIn, session: DbSession, actor: Marker) -> list[HubOut]:
    """Mark an identifier as a hub (it links no cases) or unmark it (`hub: false`: it links
    even where the data makes it look like one); the series it touches are recomputed at once.
    A plate is marked in each of its readings."""
    rows = service.mark_identifier(
        session, actor, kind=body.kind, value=body.value, hub=body.hub, reason=body.reason
    )
    session.commit()
    return [hub_out(r) for r in rows]
