"""Zone pages: the list of zones and a zone's members, chair and links to its work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from accord.security.actor import Actor
from accord.security.deps import require
from accord.web.deps import DbSession
from accord.web.templating import render
from accord.zones import service

router = APIRouter(include_in_schema=False)

Reader = Annotated[Actor, Depends(require("zones.read"))]


@router.get("/zones", response_class=HTMLResponse)
def zones_page(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    zones = service.list_zones(session)
    today = service.today()
    chairs = {z.id: service.current_chair(session, z, today) for z in zones}
    mine = (
        {z.id for z in service.zones_for_agency(session, actor.agency_id)}
        if actor.agency_id
        else set()
    )
    return render(
        request, "zones/list.html", {"zones": zones, "chairs": chairs, "mine": mine, "today": today}
    )


@router.get("/zones/{code}", response_class=HTMLResponse)
def zone_page(request: Request, session: DbSession, actor: Reader, code: str) -> HTMLResponse:
    zone = service.get_zone(session, code)
    terms = service.chair_terms(session, zone)
    today = service.today()
    return render(
        request,
        "zones/zone.html",
        {
            "zone": zone,
            "terms": terms,
            "chair": service.chair_on(terms, today),
            "today": today,
            "leaders": service.leading_group(session, zone),
        },
    )
