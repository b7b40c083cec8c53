"""Agency routes under /api/v1: the public directory of agencies and their contact points."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from accord.agencies import service
from accord.agencies.models import Agency, Level
from accord.agencies.schemas import AgencyOut, AgencyPage, Contact
from accord.core.etag import check_if_match, etag_for, set_etag
from accord.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from accord.security.actor import Actor
from accord.security.deps import OptionalActor, require
from accord.web.deps import DbSession
from accord.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/agencies", tags=["agencies"], responses=PROBLEM_RESPONSES)


def to_out(agency: Agency, *, contacts: bool = True) -> AgencyOut:
    """The API view of an agency; contact points only for signed-in users of partner agencies."""
    record = service.to_record(agency).model_dump(exclude={"jurisdiction"})
    if not contacts:
        record["contacts"] = []
    return AgencyOut(id=str(agency.id), **record)


@router.get("", response_model=AgencyPage)
def list_agencies(
    session: DbSession,
    actor: OptionalActor,
    parent: Annotated[
        str | None, Query(description="Only the direct subordinates of this code")
    ] = None,
    level: Level | None = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Code, prefix or name contains")
    ] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> AgencyPage:
    """Agencies in code order, a page at a time."""
    page = service.list_agencies(
        session, parent=parent, level=level, country=country, query=q, cursor=cursor, limit=limit
    )
    shown = actor is not None
    return AgencyPage(
        items=[to_out(a, contacts=shown) for a in page.items], next_cursor=page.next_cursor
    )


@router.get("/{code}", response_model=AgencyOut)
def get_agency(
    session: DbSession, actor: OptionalActor, code: str, response: Response
) -> AgencyOut:
    """One agency by its code; its contact points when the caller is signed in. The `ETag`
    names this version: send it back as `If-Match` when changing the agency."""
    agency = service.get_by_code(session, code)
    set_etag(response, etag_for(agency.version, agency.id))
    return to_out(agency, contacts=actor is not None)


@router.get("/{code}/children", response_model=list[AgencyOut])
def get_children(session: DbSession, actor: OptionalActor, code: str) -> list[AgencyOut]:
    """The direct subordinates of an agency."""
    kids = service.children(session, service.get_by_code(session, code))
    return [to_out(a, contacts=actor is not None) for a in kids]


@router.put("/{code}/contacts", response_model=AgencyOut)
def put_contacts(
    session: DbSession,
    actor: Annotated[Actor, Depends(require("agencies.manage"))],
    code: str,
    contacts: list[Contact],
    request: Request,
    response: Response,
) -> AgencyOut:
    """Replace the agency's contact points (its admins, or admins of an agency above it).
    With `If-Match`, a change made meanwhile by someone else is refused (412)."""
    current = service.get_by_code(session, code)
    check_if_match(request, etag_for(current.version, current.id))
    agency = service.set_contacts(session, actor, code, contacts)
    session.commit()
    set_etag(response, etag_for(agency.version, agency.id))
    return to_out(agency)
