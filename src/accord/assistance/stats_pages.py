"""The statistics page of assistance requests: pick a zone, a member and a period; a table per
member, charts drawn by the locally served ECharts, and links to the CSV and JSON exports.

Request types, urgencies and outcomes show in the reader's language, whatever was stored.
A period or member the form cannot take shows the form again with the reason (422); a zone
the reader may not see, or that does not exist, is the error page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from accord.assistance import stats
from accord.assistance.kinds import OUTCOME_LABELS, REQUEST_TYPES, URGENCY_LABELS
from accord.core.errors import InvalidInput
from accord.core.handling import N_
from accord.security import policy
from accord.security.actor import Actor
from accord.security.deps import require
from accord.web import i18n
from accord.web.deps import DbSession
from accord.web.templating import render
from accord.zones import service as zones_service

router = APIRouter(include_in_schema=False)

ASSETS = Path(__file__).resolve().parent / "static"
StatsReader = Annotated[Actor, Depends(require(stats.PERMISSION))]
Param = Annotated[str, Query(max_length=40)]

# Labels of the chart series and the outcome that has no code (the rest come from kinds.py).
SENT = N_("Sent")
RECEIVED = N_("Received")
COMPLETED = N_("Completed")
UNSTATED_LABEL = N_("Not stated")


def labels() -> dict[str, dict[str, str]]:
    """The English labels of the fixed vocabularies, by stored value (translated on show)."""
    return {
        "type_labels": dict(REQUEST_TYPES),
        "urgency_labels": {u.value: label for u, label in URGENCY_LABELS.items()},
        "outcome_labels": {o.value: label for o, label in OUTCOME_LABELS.items()}
        | {stats.UNSTATED: UNSTATED_LABEL},
    }


def chart_data(result: stats.ZoneStats, locale: str) -> dict[str, Any]:
    """What the charts draw, with their names already in the reader's language: the monthly
    series and types of the member shown (or of the whole zone), and sent/received per member."""
    tr = i18n.translations(locale).ugettext
    names = labels()
    focus: stats.Figures = result.members[0] if result.member else result.totals
    types = [t for t, n in focus.sent_by_type.items() if n or focus.received_by_type.get(t)]
    type_series = [{"name": tr(SENT), "data": [focus.sent_by_type[t] for t in types]}]
    if result.member:
        type_series.append(
            {"name": tr(RECEIVED), "data": [focus.received_by_type.get(t, 0) for t in types]}
        )
    return {
        "monthly": {
            "categories": [p.month for p in focus.monthly],
            "series": [
                {"name": tr(SENT), "data": [p.sent for p in focus.monthly]},
                {"name": tr(COMPLETED), "data": [p.completed for p in focus.monthly]},
            ],
        },
        "members": {
            "categories": [m.name(locale) for m in result.members],
            "series": [
                {"name": tr(SENT), "data": [m.sent for m in result.members]},
                {"name": tr(RECEIVED), "data": [m.received for m in result.members]},
            ],
        },
        "types": {
            "categories": [tr(names["type_labels"].get(t, t)) for t in types],
            "series": type_series,
        },
        "outcomes": [
            {"name": tr(names["outcome_labels"].get(k, k)), "value": n}
            for k, n in focus.outcomes.items()
            if n
        ],
    }


def export_url(result: stats.ZoneStats, fmt: str) -> str:
    query: dict[str, str] = {"zone": result.zone}
    if result.member:
        query["member"] = result.member
    query |= {"since": result.since.isoformat(), "until": result.until.isoformat()}
    if fmt != "json":
        query["format"] = fmt
    return "/api/v1/assistance/stats?" + urlencode(query)


@router.get("/assist/stats", response_class=HTMLResponse)
def stats_page(
    request: Request,
    session: DbSession,
    actor: StatsReader,
    zone: Param = "",
    member: Param = "",
    since: Param = "",
    until: Param = "",
) -> HTMLResponse:
    zones = stats.visible_zones(session, actor)
    if not zones and not zone:
        raise policy.PermissionDenied(
            "your agency is not a member of any zone", actor=actor, permission=stats.PERMISSION
        )
    chosen = zones_service.get_zone(session, zone or zones[0].code)
    locale = getattr(request.state, "locale", i18n.DEFAULT_LOCALE)
    form = {"zone": chosen.code, "member": member, "since": since, "until": until}
    result: stats.ZoneStats | None = None
    error: InvalidInput | None = None
    try:
        result = stats.zone_stats(
            session,
            actor,
            zone_code=chosen.code,
            member_code=member.strip() or None,
            since=stats.parse_day(since, "since"),
            until=stats.parse_day(until, "until"),
        )
    except InvalidInput as exc:
        stats.require_zone(session, actor, chosen)  # a refusal outranks a form's mistake
        error = exc
    if result is not None:
        form |= {"since": result.since.isoformat(), "until": result.until.isoformat()}
        members = stats.members_in_period(chosen, result.since, result.until)
    else:
        members = stats.members_in_period(chosen, *stats.period(None, None))
    return render(
        request,
        "assistance/stats.html",
        {
            "zones": zones,
            "zone": chosen,
            "members": members,
            "form": form,
            "result": result,
            "error": error,
            "focus": (result.members[0] if result.member else result.totals) if result else None,
            # Inert data for the chart script; `</` escaped so it cannot end the element.
            "chart_json": (
                json.dumps(chart_data(result, locale), ensure_ascii=False).replace("</", "<\\/")
                if result
                else ""
            ),
            "csv_url": export_url(result, "csv") if result else "",
            "json_url": export_url(result, "json") if result else "",
            **labels(),
        },
        status_code=error.status if error else 200,
    )


@router.get("/assist-assets/stats.js")
def stats_script() -> FileResponse:
    """The statistics page's chart script (kept with this package; no inline scripts)."""
    return FileResponse(
        ASSETS / "stats.js",
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600"},
    )
