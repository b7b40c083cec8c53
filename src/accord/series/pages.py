"""Pages of crime series: the list with its filters (agencies, period, size, score), and one
series with its graph of cases, persons and identifiers, its timeline, a map of the agencies
involved, the evidence paths that link its cases and its cases by agency; analysts mark an
identifier as a hub from it.

A series page shows other agencies' cases, so it asks for a purpose first, like every view of
shared records; the redaction and the audit are `views.series_view`'s.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from accord.core.errors import DomainError, InvalidInput
from accord.core.handling import N_
from accord.security import policy
from accord.security.deps import CurrentActor
from accord.series import reading, service, views
from accord.web import i18n
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.htmx import redirect
from accord.web.templating import render

router = APIRouter(include_in_schema=False)
ASSETS = Path(__file__).parent / "static"
PAGE_SIZE = 50
PURPOSE = Annotated[str, Query(max_length=300)]

KIND_LABELS = {
    "case": N_("case"),
    "person": N_("person"),
    "phone": N_("phone"),
    "account": N_("account"),
    "plate": N_("plate"),
    "address": N_("address"),
}

# The label of a graph node shown as a match only (the agencies it matches at, or none).
MATCH_AT = N_("Match at agency %(agency)s")
NOT_SHARED = N_("not shared with your agency")


def series_link(key: str, purpose: str) -> str:
    return f"/series/{key}?" + urlencode({"purpose": purpose})


def record_link(record_id: Any, purpose: str) -> str:
    return f"/records/{record_id}?" + urlencode({"purpose": purpose})


def _date(text: str, name: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput("a date as YYYY-MM-DD", field=name) from exc


def _number(text: str, name: str, kind: Callable[[str], Any]) -> Any:
    if not text.strip():
        return None
    try:
        value = kind(text.strip())
    except ValueError as exc:
        raise InvalidInput("a number", field=name) from exc
    if value < 0:
        raise InvalidInput("a number of zero or more", field=name)
    return value


@router.get("/series", response_class=HTMLResponse)
def list_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    agency: Annotated[list[str] | None, Query(max_length=32)] = None,
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
    min_size: Annotated[str, Query(max_length=6)] = "",
    min_score: Annotated[str, Query(max_length=10)] = "",
    page: int = Query(1, ge=1),
) -> HTMLResponse:
    """The series with a case the reader may see, best score first, with the filters."""
    policy.require(actor, reading.ACTION)
    codes = [a for a in (agency or []) if a.strip()]
    filters = {
        "agency": codes,
        "since": since.strip(),
        "until": until.strip(),
        "min_size": min_size.strip(),
        "min_score": min_score.strip(),
    }
    error: DomainError | None = None
    found = reading.SeriesPage([], 0)
    try:
        found = reading.series_list(
            session,
            actor,
            agencies=codes,
            since=_date(since, "since"),
            until=_date(until, "until"),
            min_size=_number(min_size, "min_size", int),
            min_score=_number(min_score, "min_score", float),
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
    except InvalidInput as exc:
        error = exc

    def page_link(number: int) -> str:
        query = [(k, v) for k, v in filters.items() if isinstance(v, str) and v]
        query += [("agency", c) for c in codes] + [("page", str(number))]
        return "/series?" + urlencode(query)

    return render(
        request,
        "series/list.html",
        {
            "series": found.items,
            "total": found.total,
            "page": page,
            "pages": max(1, (found.total + PAGE_SIZE - 1) // PAGE_SIZE),
            "page_link": page_link,
            "filters": filters,
            "agencies": reading.filter_agencies(session, actor),
            "error": error,
        },
        status_code=error.status if error else 200,
    )


@router.get("/series/{key}", response_class=HTMLResponse)
def series_page(
    request: Request,
    session: AuditedReadSession,
    actor: CurrentActor,
    key: str,
    purpose: PURPOSE = "",
    marked: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """One series; without a purpose, the form that asks for one."""
    policy.require(actor, reading.ACTION)
    if not purpose.strip():
        series = views.check_readable(session, actor, key)
        return render(request, "series/purpose.html", {"key": series.key})
    view = views.series_view(session, actor, key, purpose=purpose)
    session.commit()
    return _render_series(request, view, purpose.strip(), marked=marked)


def _render_series(
    request: Request,
    view: views.SeriesView,
    purpose: str,
    *,
    marked: str = "",
    error: DomainError | None = None,
) -> HTMLResponse:
    tr = i18n.translations(getattr(request.state, "locale", i18n.DEFAULT_LOCALE)).ugettext
    return render(
        request,
        "series/series.html",
        {
            "view": view,
            "purpose": purpose,
            "kind_labels": KIND_LABELS,
            "record_link": record_link,
            "ask_link": views.ask_for,
            "graph_json": _json(graph_data(view, tr)),
            "timeline_json": _json(view.timeline()),
            "map_json": _json({"places": view.places(), "links": view.agency_links()}),
            "marked": marked,
            "error": error,
        },
        status_code=error.status if error else 200,
    )


def _json(data: Any) -> str:
    # Inside <script type="application/json">: no "</" may end the block early.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def match_label(tr: Callable[[str], str], codes: list[str]) -> str:
    if not codes:
        return tr(NOT_SHARED)
    return tr(MATCH_AT) % {"agency": ", ".join(codes)}


def graph_data(view: views.SeriesView, tr: Callable[[str], str]) -> dict[str, Any]:
    """The graph's data with its labels in the reader's language (a node shown as a match
    only is labelled with the agencies it matches at, and carries no value)."""
    data = view.graph()
    for node in data["nodes"]:
        if node["view"] != "full":
            codes = [node["agency"]] if node["kind"] == "case" else node["agencies"]
            node["label"] = match_label(tr, codes)
        node["kind_label"] = tr(KIND_LABELS[node["kind"]])
    data["kind_labels"] = {k: tr(v) for k, v in KIND_LABELS.items()}
    return data


@router.post("/series/{key}/marks", response_class=HTMLResponse, response_model=None)
def mark_submit(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    kind: Annotated[str, Form(max_length=10)],
    value: Annotated[str, Form(max_length=200)],
    purpose: Annotated[str, Form(max_length=300)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    hub: Annotated[bool, Form()] = True,
) -> Response:
    """An analyst marks an identifier of the series as a hub (it links nothing from the next
    discovery on), or unmarks it."""
    try:
        service.mark_identifier(session, actor, kind=kind, value=value, hub=hub, reason=reason)
    except DomainError as exc:
        session.rollback()
        if exc.status in (401, 403, 404) or not purpose.strip():
            raise
        view = views.series_view(session, actor, key, purpose=purpose)
        session.commit()
        return _render_series(request, view, purpose.strip(), error=exc)
    session.commit()
    target = series_link(key.upper(), purpose) + "&" + urlencode({"marked": f"{kind}:{value}"})
    return redirect(request, target)


@router.get("/series-assets/series.js")
def series_script() -> FileResponse:
    """The series page's graph, timeline and map (kept with this package; no inline scripts)."""
    return FileResponse(
        ASSETS / "series.js",
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/series-assets/series.css")
def series_style() -> FileResponse:
    return FileResponse(
        ASSETS / "series.css",
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )
