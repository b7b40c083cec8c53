"""Agency routes under /api/v1: the public directory of agencies and their contact points."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from accord.agencies import service
from accord.agencies.models import Agency, Level
from accord.agencies.schemas import AgencyOut, AgencyPage
from accord.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from accord.web.deps import DbSession
from accord.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/agencies", tags=["agencies"], responses=PROBLEM_RESPONSES)


def to_out(agency: Agency) -> AgencyOut:
    record = service.to_record(agency).model_dump(exclude={"jurisdiction"})
    return AgencyOut(id=str(agency.id), **record)


@router.get("", response_model=AgencyPage)
def list_agencies(
    session: DbSession,
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
    return AgencyPage(items=[to_out(a) for a in page.items], next_cursor=page.next_cursor)


@router.get("/{code}", response_model=AgencyOut)
def get_agency(session: DbSession, code: str) -> AgencyOut:
    """One agency by its code."""
    return to_out(service.get_by_code(session, code))


@router.get("/{code}/children", response_model=list[AgencyOut])
def get_children(session: DbSession, code: str) -> list[AgencyOut]:
    """The direct subordinates of an agency."""
    return [to_out(a) for a in service.children(session, service.get_by_code(session, code))]
