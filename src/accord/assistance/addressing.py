"""Whom an agency may ask for assistance, and through which path.

An agency may address any agency of its own provincial tree (under the same provincial-level
agency) or of its own line of command (above or below it), and,
through a cooperation zone, any member of a zone it acts under (itself or an agency above it
is a member) or an agency below such a member, provided the zone's agreement in force shares
assistance requests with both members (`zones.sharing`, data kind `assistance_request`). A
request to a whole zone reaches every other member under the same condition.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from accord.agencies.models import Agency, Level
from accord.core.errors import InvalidInput
from accord.zones import service as zones_service
from accord.zones.models import Zone
from accord.zones.sharing import ShareMode, rule_for

DATA_KIND = "assistance_request"


class AddresseeNotAllowed(InvalidInput):
    code = "addressee_not_allowed"
    title = "Agency not addressable"


@dataclass(frozen=True)
class Path:
    """How a request reaches its addressee: inside the province, or through a zone."""

    zone_id: uuid.UUID | None  # None: inside the requester's own provincial tree


def chain(agency: Agency) -> list[Agency]:
    """The agency and every agency above it, nearest first."""
    out: list[Agency] = []
    node: Agency | None = agency
    while node is not None and node not in out:
        out.append(node)
        node = node.parent
    return out


def province_of(agency: Agency) -> Agency:
    """The provincial-level agency whose tree holds `agency` (itself, for an agency with
    none above it at that level: the Ministry, foreign police)."""
    found = chain(agency)
    return next((a for a in found if a.level is Level.PROVINCE), found[-1])


def _member_in(zone: Zone, agency: Agency) -> Agency | None:
    """The member under which `agency` acts in the zone today (itself or one above it)."""
    day = zones_service.today()
    active = {m.agency_id for m in zones_service.members_on(zone, day)}
    return next((a for a in chain(agency) if a.id in active), None)


def _shares(session: Session, zone: Zone, member: Agency) -> bool:
    return rule_for(session, zone.id, DATA_KIND, member.id).mode is not ShareMode.NONE


def path_to(session: Session, requester: Agency, addressee: Agency) -> Path:
    """The path from `requester` to `addressee`, or a refusal that says why there is none."""
    if addressee.id == requester.id:
        raise AddresseeNotAllowed(
            "an agency does not send an assistance request to itself", field="addressee"
        )
    if not addressee.active:
        raise AddresseeNotAllowed(f"{addressee.code} is no longer active", field="addressee")
    if province_of(addressee).id == province_of(requester).id:
        return Path(zone_id=None)
    if requester in chain(addressee) or addressee in chain(requester):
        return Path(zone_id=None)  # up or down the requester's own line of command
    for zone in zones_service.zones_for_agency(session, requester.id):
        ours = _member_in(zone, requester)
        theirs = _member_in(zone, addressee)
        if ours is None or theirs is None or ours.id == theirs.id:
            continue
        if _shares(session, zone, ours) and _shares(session, zone, theirs):
            return Path(zone_id=zone.id)
    raise AddresseeNotAllowed(
        f"{requester.code} may not address {addressee.code}: it is neither in the same "
        "province nor reached through a zone whose agreement shares assistance requests",
        field="addressee",
    )


def zone_recipients(session: Session, requester: Agency, zone: Zone) -> list[Agency]:
    """The members a request to the whole zone goes to: every member but the requester's own,
    where the agreement in force shares assistance requests."""
    ours = _member_in(zone, requester)
    if ours is None:
        raise AddresseeNotAllowed(
            f"{requester.code} does not act under zone {zone.code}", field="zone"
        )
    if not _shares(session, zone, ours):
        raise AddresseeNotAllowed(
            f"zone {zone.code}'s agreement in force does not share assistance requests",
            field="zone",
        )
    day = zones_service.today()
    members = [
        m.agency
        for m in zones_service.members_on(zone, day)
        if m.agency_id != ours.id and m.agency.active and _shares(session, zone, m.agency)
    ]
    if not members:
        raise AddresseeNotAllowed(f"zone {zone.code} has no other member to ask", field="zone")
    return sorted(members, key=lambda a: a.code)
