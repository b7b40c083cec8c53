"""Zones and their members: who belongs when, which zones an agency acts under, the chair's
rotation, and membership changes (all audited).

An agency acts under the zones of which it, or any agency above it, is a member on the day in
question: a Pudong district bureau works under the Yangtze River Delta agreement that Shanghai
signed. A member that leaves keeps its history (the membership row is closed, not deleted).
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.agencies.models import Agency
from accord.audit import service as audit
from accord.core import clock
from accord.core.errors import Conflict, InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.notify import service as notify_service
from accord.security import policy
from accord.security.actor import Actor, Role
from accord.zones.models import ChairTerm, CooperationField, Zone, ZoneMember

CHINA = ZoneInfo("Asia/Shanghai")


class ZoneNotFound(NotFound):
    code = "zone_not_found"
    title = "Zone not found"


class NotAMember(InvalidInput):
    code = "not_a_member"
    title = "Not a member of the zone"


class OverlappingTerms(Conflict):
    code = "overlapping_chair_terms"
    title = "Chair terms overlap"


def today() -> date:
    """The date in China, which is what membership and terms are counted in."""
    return clock.now().astimezone(CHINA).date()


# --- reading -------------------------------------------------------------------------------


def get_zone(session: Session, code: str) -> Zone:
    zone = session.scalars(select(Zone).where(Zone.code == code.strip().upper())).one_or_none()
    if zone is None:
        raise ZoneNotFound(f"no zone has the code {code!r}", field="zone")
    return zone


def list_zones(session: Session) -> list[Zone]:
    return list(session.scalars(select(Zone).order_by(Zone.code)))


def members_on(zone: Zone, day: date) -> list[ZoneMember]:
    return [m for m in zone.members if m.active_on(day)]


def member_for(session: Session, zone: Zone, agency_id: uuid.UUID, day: date) -> ZoneMember | None:
    """The membership under which `agency_id` acts in the zone on `day`: its own, or that of
    the nearest agency above it that is a member."""
    chain = _self_and_ancestors(session, agency_id)
    active = {m.agency_id: m for m in members_on(zone, day)}
    for candidate in chain:
        if candidate in active:
            return active[candidate]
    return None


def zones_for_agency(session: Session, agency_id: uuid.UUID, day: date | None = None) -> list[Zone]:
    """The zones an agency acts under on `day` (today by default)."""
    day = day or today()
    chain = set(_self_and_ancestors(session, agency_id))
    rows = session.scalars(
        select(Zone)
        .join(ZoneMember, ZoneMember.zone_id == Zone.id)
        .where(ZoneMember.agency_id.in_(chain), ZoneMember.joined_on <= day)
        .where((ZoneMember.left_on.is_(None)) | (ZoneMember.left_on > day))
        .order_by(Zone.code)
    )
    return list(rows.unique())


def _self_and_ancestors(session: Session, agency_id: uuid.UUID) -> list[uuid.UUID]:
    agency = session.get(Agency, agency_id)
    if agency is None:
        return []
    return [agency.id, *[a.id for a in reversed(agencies_service.ancestors(agency))]]


def chair_on(zone_terms: Sequence[ChairTerm], day: date) -> ChairTerm | None:
    return next((t for t in zone_terms if t.starts_on <= day < t.ends_on), None)


def chair_terms(session: Session, zone: Zone) -> list[ChairTerm]:
    return list(
        session.scalars(
            select(ChairTerm).where(ChairTerm.zone_id == zone.id).order_by(ChairTerm.starts_on)
        )
    )


def current_chair(session: Session, zone: Zone, day: date | None = None) -> ChairTerm | None:
    return chair_on(chair_terms(session, zone), day or today())


# --- changing ------------------------------------------------------------------------------


def create_zone(
    session: Session,
    actor: Actor,
    *,
    code: str,
    name_zh: str,
    name_en: str,
    fields: Sequence[str],
    founded_on: date,
    members: Sequence[str],
    secretariat: str,
    secretariat_follows_chair: bool = True,
    chair_term_months: int = 12,
    rotation: Sequence[str] = (),
) -> Zone:
    """Set up a zone with its founding members (agency codes), secretariat and chair order."""
    policy.require(actor, "zones.create")
    code = code.strip().upper()
    if not code.isalnum() or not 2 <= len(code) <= 16:
        raise InvalidInput("a zone code is 2-16 letters and digits", field="code")
    if session.scalar(select(Zone.id).where(Zone.code == code)) is not None:
        raise Conflict(f"the zone {code} exists", field="code")
    unknown = sorted(set(fields) - {f.value for f in CooperationField})
    if unknown:
        raise InvalidInput(f"unknown field(s) of cooperation: {', '.join(unknown)}", field="fields")
    if not 1 <= chair_term_months <= 60:
        raise InvalidInput("a chair's term lasts 1 to 60 months", field="chair_term_months")
    agencies = [agencies_service.get_by_code(session, c) for c in members]
    if len({a.id for a in agencies}) < 2:
        raise InvalidInput("a zone has at least two member agencies", field="members")
    host = agencies_service.get_by_code(session, secretariat)
    if host.id not in {a.id for a in agencies}:
        raise NotAMember(f"the secretariat {secretariat} is not a member", field="secretariat")
    order = [agencies_service.get_by_code(session, c).id for c in rotation] or [
        a.id for a in agencies
    ]
    if not set(order) <= {a.id for a in agencies}:
        raise NotAMember(
            "the chair's rotation names an agency that is not a member", field="rotation"
        )
    zone = Zone(
        id=uuid7(),
        code=code,
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        fields=sorted(set(fields)),
        founded_on=founded_on,
        secretariat=host,
        secretariat_follows_chair=secretariat_follows_chair,
        chair_term_months=chair_term_months,
        rotation_order=[str(i) for i in order],
        members=[],
    )
    session.add(zone)
    for agency in agencies:
        zone.members.append(ZoneMember(id=uuid7(), agency=agency, joined_on=founded_on))
    session.flush()
    audit.record(
        session,
        actor,
        action="zone.create",
        object_type="zone",
        object_id=zone.code,
        detail={"members": [a.code for a in agencies], "secretariat": host.code},
    )
    return zone


def join(session: Session, actor: Actor, zone: Zone, agency_code: str, *, on: date) -> ZoneMember:
    """Admit an agency from `on`."""
    policy.require_zone(session, actor, "zones.manage", zone.id)
    agency = agencies_service.get_by_code(session, agency_code)
    if any(
        m.agency_id == agency.id and (m.left_on is None or m.left_on > on) for m in zone.members
    ):
        raise Conflict(f"{agency.code} is already a member", field="agency")
    member = ZoneMember(id=uuid7(), agency=agency, joined_on=on)
    zone.members.append(member)
    session.flush()
    audit.record(
        session,
        actor,
        action="zone.join",
        object_type="zone",
        object_id=zone.code,
        detail={"agency": agency.code, "on": on.isoformat()},
    )
    return member


def leave(session: Session, actor: Actor, zone: Zone, agency_code: str, *, on: date) -> ZoneMember:
    """End a membership from `on`: its history stays; data shared later does not reach it."""
    policy.require_zone(session, actor, "zones.manage", zone.id)
    agency = agencies_service.get_by_code(session, agency_code)
    member = next((m for m in zone.members if m.agency_id == agency.id and m.left_on is None), None)
    if member is None:
        raise NotAMember(f"{agency.code} is not a member of {zone.code}", field="agency")
    if on <= member.joined_on:
        raise InvalidInput("an agency leaves after it joined", field="on")
    if len(members_on(zone, on)) <= 2:
        raise Conflict("a zone keeps at least two members", field="agency")
    member.left_on = on
    session.flush()
    audit.record(
        session,
        actor,
        action="zone.leave",
        object_type="zone",
        object_id=zone.code,
        detail={"agency": agency.code, "on": on.isoformat()},
    )
    return member


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def set_chair_term(
    session: Session, actor: Actor, zone: Zone, agency_code: str, *, starts_on: date, ends_on: date
) -> ChairTerm:
    """Record a chair's term by hand (the first term, or a correction): no two terms overlap."""
    policy.require_zone(session, actor, "zones.manage", zone.id)
    agency = agencies_service.get_by_code(session, agency_code)
    if ends_on <= starts_on:
        raise InvalidInput("a term ends after it starts", field="ends_on")
    if member_for(session, zone, agency.id, starts_on) is None or not any(
        m.agency_id == agency.id for m in members_on(zone, starts_on)
    ):
        raise NotAMember(f"{agency.code} is not a member on {starts_on}", field="agency")
    for term in chair_terms(session, zone):
        if term.starts_on < ends_on and starts_on < term.ends_on:
            raise OverlappingTerms(
                f"{term.agency.code} chairs from {term.starts_on} to {term.ends_on}",
                field="starts_on",
            )
    term = ChairTerm(
        id=uuid7(), zone_id=zone.id, agency=agency, starts_on=starts_on, ends_on=ends_on
    )
    session.add(term)
    session.flush()
    audit.record(
        session,
        actor,
        action="zone.chair_term",
        object_type="zone",
        object_id=zone.code,
        detail={"agency": agency.code, "from": starts_on.isoformat(), "to": ends_on.isoformat()},
    )
    return term


def next_in_rotation(zone: Zone, after: uuid.UUID, day: date) -> Agency:
    """The member after `after` in the zone's order, skipping agencies no longer members."""
    active = {m.agency_id: m.agency for m in members_on(zone, day)}
    order = [uuid.UUID(i) for i in zone.rotation_order if uuid.UUID(i) in active]
    order += sorted((a for a in active if a not in order), key=lambda a: active[a].code)
    if after in order:
        return active[order[(order.index(after) + 1) % len(order)]]
    return active[order[0]]


def rotate_chair(
    session: Session, actor: Actor, zone: Zone, *, on: date | None = None
) -> ChairTerm | None:
    """Hand the chair on when the current term has ended (and the secretariat with it where the
    zone says so). Safe to run twice: a zone whose chair's term covers `on` is left alone."""
    if not actor.is_system:
        policy.require_zone(session, actor, "zones.manage", zone.id)
    day = on or today()
    terms = chair_terms(session, zone)
    if chair_on(terms, day) is not None or not terms:
        return None
    last = terms[-1]
    new: ChairTerm | None = None
    start = last.ends_on
    previous = last.agency_id
    while start <= day:  # catch up over terms missed while nothing ran
        chair = next_in_rotation(zone, previous, start)
        new = ChairTerm(
            id=uuid7(),
            zone_id=zone.id,
            agency=chair,
            starts_on=start,
            ends_on=add_months(start, zone.chair_term_months),
            handed_over_at=clock.now(),
            handed_over_by=actor.username,
        )
        session.add(new)
        previous, start = chair.id, new.ends_on
    assert new is not None
    if zone.secretariat_follows_chair:
        zone.secretariat = new.agency
    session.flush()
    audit.record(
        session,
        actor,
        action="zone.rotate_chair",
        object_type="zone",
        object_id=zone.code,
        detail={
            "from": last.agency.code,
            "to": new.agency.code,
            "starts_on": new.starts_on.isoformat(),
        },
    )
    notify_service.enqueue(
        session,
        event="zone.chair_rotated",
        title=f"{zone.code}: {new.agency.name_zh}接任轮值主席 · {new.agency.name_en} chairs",
        link=f"/zones/{zone.code}",
        to_agencies=[m.agency_id for m in members_on(zone, day)],
        to_roles=[Role.DIRECTOR, Role.LIAISON],
        dedupe_key=f"zone.chair:{zone.id}:{new.starts_on.isoformat()}",
    )
    return new


def directors(session: Session, zone: Zone) -> list[tuple[str, str]]:
    """(username, member agency code) of the active directors of the zone."""
    return [
        (u, code) for role, u, _name, code in leading_group(session, zone) if role == "director"
    ]


def leading_group(session: Session, zone: Zone) -> list[tuple[str, str, str, str]]:
    """The leading group: (role, username, display name, member agency code) of every active
    director and deputy, by member; a deputy of a subordinate agency counts for its member."""
    from accord.security.models import RoleGrant, User

    rows = session.execute(
        select(RoleGrant.role, User.username, User.display_name, RoleGrant.agency_id)
        .join(User, User.id == RoleGrant.user_id)
        .where(
            User.active,
            RoleGrant.zone_id == zone.id,
            RoleGrant.role.in_([Role.DIRECTOR.value, Role.DEPUTY_DIRECTOR.value]),
        )
        .order_by(RoleGrant.role, User.username)
    ).all()
    day = today()
    group = []
    for role, username, name, agency_id in rows:
        member = member_for(session, zone, agency_id, day) if agency_id else None
        if member is not None:
            group.append((str(role), str(username), str(name), member.agency.code))
    return sorted(group, key=lambda g: (g[3], g[0] != "director", g[1]))


def secretariat_users(session: Session, zone_id: uuid.UUID) -> list[uuid.UUID]:
    """Active users holding the secretariat role of the zone."""
    from accord.security.models import RoleGrant, User

    rows = session.scalars(
        select(User.id)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(User.active, RoleGrant.role == Role.SECRETARIAT.value, RoleGrant.zone_id == zone_id)
    )
    return list(rows.unique())


def zone_of_agency_without_parent(session: Session, agency_id: uuid.UUID) -> uuid.UUID | None:
    """For deadline escalation: the zone whose secretariat answers for an agency with no parent
    (a foreign police force): the first zone it is a member of today."""
    zones = zones_for_agency(session, agency_id)
    return zones[0].id if zones else None


def now_local() -> datetime:
    return clock.now().astimezone(CHINA)
