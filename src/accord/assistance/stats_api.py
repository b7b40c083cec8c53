"""The statistics of assistance requests under /api/v1: one zone over a period, for every
member or one, as JSON (the default) or as CSV (one row per member) for a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response

from accord.assistance import stats
from accord.security.actor import Actor
from accord.security.deps import require
from accord.web.deps import DbSession
from accord.web.problems import PROBLEM_JSON, PROBLEM_RESPONSES

router = APIRouter(tags=["assistance requests"], responses=PROBLEM_RESPONSES)

StatsReader = Annotated[Actor, Depends(require(stats.PERMISSION))]

STATS_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The statistics: JSON, or CSV with a header row and one row per member",
        "content": {"text/csv": {}},
    },
    403: {
        "description": "Not allowed to see this zone's statistics (problem+json)",
        "content": {PROBLEM_JSON: {}},
    },
}


def csv_text(result: stats.ZoneStats) -> str:
    buffer = io.StringIO()
    # A byte-order mark, so that spreadsheet programs read the Chinese names as UTF-8.
    buffer.write("\ufeff")
    csv.writer(buffer, lineterminator="\r\n").writerows(stats.csv_rows(result))
    return buffer.getvalue()


def csv_filename(result: stats.ZoneStats) -> str:
    member = f"-{result.member}" if result.member else ""
    return f"assistance-stats-{result.zone}{member}-{result.since}-{result.until}.csv"


@router.get("/assistance/stats", response_model=stats.ZoneStats, responses=STATS_RESPONSES)
def zone_stats(
    session: DbSession,
    actor: StatsReader,
    zone: Annotated[str, Query(min_length=1, max_length=16, description="Zone code")],
    member: Annotated[
        str | None, Query(max_length=40, description="A member agency's code; all if empty")
    ] = None,
    since: Annotated[
        str | None, Query(max_length=20, description="First day (YYYY-MM-DD, Asia/Shanghai)")
    ] = None,
    until: Annotated[
        str | None, Query(max_length=20, description="Last day, included (default today)")
    ] = None,
    fmt: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> Response:
    """Requests sent and received, accepted share, median hours to accept and to complete,
    overdue share, outcomes, counts per type and urgency and a monthly series, per member of
    the zone and for the whole zone, over a period (by default the last 12 months). A member
    counts the requests of its own agency and of every agency below it."""
    result = stats.zone_stats(
        session,
        actor,
        zone_code=zone,
        member_code=member or None,
        since=stats.parse_day(since, "since"),
        until=stats.parse_day(until, "until"),
    )
    if fmt == "csv":
        return Response(
            csv_text(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{csv_filename(result)}"'},
        )
    return JSONResponse(result.model_dump(mode="json"))
