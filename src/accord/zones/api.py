"""Zone routes under /api/v1: zones, membership changes and the chair."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from accord.security.actor import Actor
from accord.security.deps import require
from accord.web.deps import DbSession
from accord.web.problems import PROBLEM_RESPONSES
from accord.zones import service
from accord.zones.schemas import ChairTermIn, MembershipChange, ZoneOut
from accord.zones.views import zone_out

router = APIRouter(prefix="/zones", tags=["zones"], responses=PROBLEM_RESPONSES)

Reader = Annotated[Actor, Depends(require("zones.read"))]
Manager = Annotated[Actor, Depends(require("zones.manage"))]


@router.get("", response_model=list[ZoneOut])
def list_zones(session: DbSession, actor: Reader) -> list[ZoneOut]:
    """Every cooperation zone with its members and chair."""
    return [zone_out(session, z) for z in service.list_zones(session)]


@router.get("/{code}", response_model=ZoneOut)
def get_zone(session: DbSession, actor: Reader, code: str) -> ZoneOut:
    return zone_out(session, service.get_zone(session, code))


@router.post("/{code}/members", response_model=ZoneOut, status_code=201)
def join(session: DbSession, actor: Manager, code: str, body: MembershipChange) -> ZoneOut:
    """Admit an agency (the zone's secretariat, or a platform admin)."""
    zone = service.get_zone(session, code)
    service.join(session, actor, zone, body.agency, on=body.on)
    session.commit()
    return zone_out(session, zone)


@router.post("/{code}/members/leave", response_model=ZoneOut)
def leave(session: DbSession, actor: Manager, code: str, body: MembershipChange) -> ZoneOut:
    """End a membership; the agency keeps its history and sees nothing shared after `on`."""
    zone = service.get_zone(session, code)
    service.leave(session, actor, zone, body.agency, on=body.on)
    session.commit()
    return zone_out(session, zone)


@router.post("/{code}/chair-terms", response_model=ZoneOut, status_code=201)
def add_term(session: DbSession, actor: Manager, code: str, body: ChairTermIn) -> ZoneOut:
    zone = service.get_zone(session, code)
    service.set_chair_term(
        session, actor, zone, body.agency, starts_on=body.starts_on, ends_on=body.ends_on
    )
    session.commit()
    return zone_out(session, zone)


@router.post("/{code}/rotate-chair", response_model=ZoneOut)
def rotate(session: DbSession, actor: Manager, code: str) -> ZoneOut:
    """Hand the chair on if its term has ended (nothing happens otherwise)."""
    zone = service.get_zone(session, code)
    service.rotate_chair(session, actor, zone)
    session.commit()
    return zone_out(session, zone)
