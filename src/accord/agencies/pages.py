"""Agency pages: the tree browser, finding an agency by code or name, and the agency page."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from accord.agencies import service
from accord.core import clock
from accord.core.config import get_settings
from accord.security.deps import OptionalActor
from accord.web.deps import DbSession
from accord.web.htmx import redirect
from accord.web.templating import render

router = APIRouter(prefix="/agencies", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def tree(request: Request, session: DbSession, actor: OptionalActor) -> HTMLResponse:
    top = service.roots(session)
    # Open the first level below the Ministry, which is what users look for first.
    opened = {a.id: service.children(session, a) for a in top if a.level.value == "ministry"}
    nodes = top + [c for kids in opened.values() for c in kids]
    return render(
        request,
        "agencies/tree.html",
        {"roots": top, "opened": opened, "counts": service.child_counts(session, nodes)},
    )


@router.get("/find", response_class=HTMLResponse, response_model=None)
def find(
    request: Request,
    session: DbSession,
    actor: OptionalActor,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """Live results as the user types; a submitted exact code goes straight to its page."""
    results = service.search(session, q, limit=30) if q.strip() else []
    is_htmx = request.headers.get("HX-Request") == "true"
    if not is_htmx and len(results) >= 1 and results[0].code == q.strip().upper():
        return redirect(request, f"/agencies/{results[0].code}")
    template = "agencies/_find_results.html" if is_htmx else "agencies/find.html"
    return render(request, template, {"q": q, "results": results})


@router.get("/{code}/children", response_class=HTMLResponse)
def children(request: Request, session: DbSession, actor: OptionalActor, code: str) -> HTMLResponse:
    agency = service.get_by_code(session, code)
    kids = service.children(session, agency)
    return render(
        request,
        "agencies/_tree_nodes.html",
        {"nodes": kids, "opened": {}, "counts": service.child_counts(session, kids)},
    )


@router.get("/{code}", response_class=HTMLResponse)
def agency_page(
    request: Request, session: DbSession, actor: OptionalActor, code: str
) -> HTMLResponse:
    agency = service.get_by_code(session, code)
    kids = service.children(session, agency)
    today = clock.now().astimezone(ZoneInfo(get_settings().display_timezone)).date()
    current = {c.id for c in service.current_contacts(agency, today)}
    return render(
        request,
        "agencies/agency.html",
        {
            "agency": agency,
            "ancestors": service.ancestors(agency),
            "children": kids,
            "counts": service.child_counts(session, kids),
            "show_contacts": actor is not None,
            "current_contacts": current,
        },
    )
