"""The one policy module: every route, query and service asks it who may do what.

Three places check, one policy (STYLE.md): a route declares the permission it needs
(`security.deps.require`), list queries are scoped with `agencies_in_scope`, and services check
the specific object with `require_agency` / `require`. A refusal raises `PermissionDenied`,
which the web layer and the CLI render as a 403 and record as an audit event.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Final

from sqlalchemy.orm import Session

from accord.core.errors import Forbidden
from accord.security.actor import Actor, Role

ALL: Final = None  # "every agency", as returned by agencies_in_scope for platform-wide roles

EVERYONE = frozenset(Role)
ADMINS = frozenset({Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN})

# permission -> the roles that hold it. Object-level rules (which agency) come on top.
CHECKERS = frozenset({Role.OFFICER, Role.INVESTIGATOR, Role.ANALYST, Role.LIAISON, Role.COMMANDER})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "directory.read": EVERYONE,
    "profile.manage_own": EVERYONE,
    "tokens.manage_own": EVERYONE,
    "inbox.read_own": EVERYONE,
    "users.read": ADMINS,
    "users.manage": ADMINS,
    "tokens.manage": ADMINS,
    "webhooks.manage": ADMINS,
    "audit.read": frozenset({Role.AUDITOR, Role.PLATFORM_ADMIN}),
    "audit.verify": frozenset({Role.AUDITOR, Role.PLATFORM_ADMIN}),
    "calendar.manage": frozenset({Role.PLATFORM_ADMIN}),
    "agencies.manage": ADMINS,
    "attachments.upload": EVERYONE,
    "attachments.read": EVERYONE,  # and the object's own rule (attachments.ACCESS_CHECKS)
    "deadlines.read": EVERYONE,
    # Zones. Zone roles (director, secretariat) count in their own zone; agency roles count in
    # the zones the agency (or an agency above it) is a member of (see require_zone).
    "zones.create": frozenset({Role.PLATFORM_ADMIN}),
    "zones.read": EVERYONE,
    "zones.manage": frozenset({Role.SECRETARIAT, Role.PLATFORM_ADMIN}),
    "agreements.draft": frozenset({Role.SECRETARIAT, Role.PLATFORM_ADMIN}),
    "agreements.sign": frozenset({Role.DIRECTOR}),
    "meetings.manage": frozenset({Role.SECRETARIAT, Role.PLATFORM_ADMIN}),
    "meetings.read": EVERYONE,
    "agenda.submit": frozenset(
        {Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.LIAISON, Role.SECRETARIAT}
    ),
    "commands.update": frozenset({Role.LIAISON, Role.COMMANDER, Role.DIRECTOR, Role.AGENCY_ADMIN}),
    "commands.manage": frozenset({Role.SECRETARIAT, Role.PLATFORM_ADMIN}),
    "deadlines.manage": frozenset(
        {Role.LIAISON, Role.COMMANDER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN}
    ),
    "work.read_own": EVERYONE,
    # Alerts and screening. Any front-line role checks; investigators, liaisons and commanders
    # issue alerts for their agency; the liaison (the agency's single point of contact)
    # answers hit follow-ups on the issuer's side.
    "alerts.read": CHECKERS | {Role.DIRECTOR, Role.DEPUTY_DIRECTOR},
    "alerts.issue": frozenset({Role.INVESTIGATOR, Role.LIAISON, Role.COMMANDER}),
    "screen.check": CHECKERS,
    "followups.report": CHECKERS,
    "followups.answer": frozenset({Role.LIAISON}),
    "followups.read": CHECKERS | {Role.DIRECTOR, Role.DEPUTY_DIRECTOR},
    # Assistance requests. Front-line roles ask; the liaison (or a commander) routes what
    # arrives: accepts, rejects, reassigns, forwards, answers forwarding permissions; the
    # officers and investigators of the handling agency work it. Statistics carry no personal
    # data and are open to the leadership, liaisons, the secretariat and auditors.
    "assist.read": CHECKERS | {Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.SECRETARIAT},
    "assist.request": CHECKERS,
    "assist.route": frozenset({Role.LIAISON, Role.COMMANDER}),
    "assist.work": frozenset({Role.OFFICER, Role.INVESTIGATOR, Role.LIAISON, Role.COMMANDER}),
    # Person linkage. Analysts run it and record judgements; investigators judge what they
    # work on; everyone who reads shared records may open a person cluster (within the rules).
    "linkage.read": CHECKERS,
    "linkage.run": frozenset({Role.ANALYST, Role.PLATFORM_ADMIN}),
    "linkage.judge": frozenset({Role.ANALYST, Role.INVESTIGATOR}),
    # Shared records. Investigators, analysts and liaisons share their agency's records (import,
    # update, withdraw), read and watch; officers read. What of another agency's records they
    # see follows the zones' rules (accord.records.access).
    "records.read": frozenset({Role.OFFICER, Role.INVESTIGATOR, Role.ANALYST, Role.LIAISON}),
    "records.share": frozenset({Role.INVESTIGATOR, Role.ANALYST, Role.LIAISON}),
    "records.watch": frozenset({Role.INVESTIGATOR, Role.ANALYST, Role.LIAISON}),
    # Joint cases. Investigators and analysts open one on a discovered series; the owner's
    # liaison or commander releases (or refuses) its agency's records to the members.
    "joint.open": frozenset({Role.INVESTIGATOR, Role.ANALYST}),
    "joint.release": frozenset({Role.LIAISON, Role.COMMANDER}),
    # Crime series. Those who work cases read series (the cases within the records' rules);
    # analysts run discovery and mark hubs.
    "series.read": frozenset({Role.INVESTIGATOR, Role.ANALYST, Role.LIAISON, Role.COMMANDER}),
    "series.discover": frozenset({Role.ANALYST, Role.PLATFORM_ADMIN}),
    "series.mark": frozenset({Role.ANALYST}),
    "assist.stats": frozenset(
        {
            Role.LIAISON,
            Role.COMMANDER,
            Role.DIRECTOR,
            Role.DEPUTY_DIRECTOR,
            Role.SECRETARIAT,
            Role.AUDITOR,
            Role.PLATFORM_ADMIN,
        }
    ),
}

# Roles whose scope is the whole platform, whatever agency the grant names.
PLATFORM_ROLES = frozenset({Role.PLATFORM_ADMIN})


class PermissionDenied(Forbidden):
    code = "permission_denied"
    title = "Permission denied"

    def __init__(self, detail: str, *, actor: Actor | None = None, **data: Any) -> None:
        super().__init__(detail, **data)
        self.actor = actor  # who was refused, so the refusal can be audited


def roles_for(permission: str) -> frozenset[Role]:
    try:
        return PERMISSIONS[permission]
    except KeyError:
        raise ValueError(f"unknown permission {permission!r}") from None


def _token_allows(actor: Actor, permission: str) -> bool:
    if actor.scopes is None:
        return True
    domain = permission.split(".", 1)[0]
    return permission in actor.scopes or f"{domain}.*" in actor.scopes or "*" in actor.scopes


def allows(actor: Actor, permission: str) -> bool:
    """Whether the actor holds `permission` anywhere (no object in view yet)."""
    if actor.is_system:
        return True
    wanted = roles_for(permission)
    return _token_allows(actor, permission) and any(g.role in wanted for g in actor.grants)


def require(actor: Actor, permission: str) -> None:
    if not allows(actor, permission):
        raise PermissionDenied(
            f"{actor.username} may not {permission}", actor=actor, permission=permission
        )


def agencies_in_scope(session: Session, actor: Actor, permission: str) -> set[uuid.UUID] | None:
    """The agencies in which the actor holds `permission`; `ALL` (None) for platform-wide roles."""
    if actor.is_system:
        return ALL
    wanted = roles_for(permission)
    if not _token_allows(actor, permission):
        return set()
    scope: set[uuid.UUID] = set()
    for grant in actor.grants:
        if grant.role not in wanted:
            continue
        if grant.role in PLATFORM_ROLES:
            return ALL
        if grant.agency_id is None:
            continue
        if grant.include_subordinates:
            scope |= _subtree(session, grant.agency_id)
        else:
            scope.add(grant.agency_id)
    return scope


def in_scope(scope: set[uuid.UUID] | None, agency_id: uuid.UUID | None) -> bool:
    return scope is ALL or (agency_id is not None and agency_id in scope)


def require_agency(
    session: Session, actor: Actor, permission: str, agency_id: uuid.UUID | None
) -> None:
    """Refuse unless the actor holds `permission` for that agency."""
    if not in_scope(agencies_in_scope(session, actor, permission), agency_id):
        raise PermissionDenied(
            f"{actor.username} may not {permission} for that agency",
            actor=actor,
            permission=permission,
        )


def require_zone(
    session: Session,
    actor: Actor,
    permission: str,
    zone_id: uuid.UUID,
    *,
    agency_id: uuid.UUID | None = None,
) -> None:
    """Refuse unless the actor holds `permission` in the zone: through a zone role granted for
    that zone, or through an agency role held by a member of the zone (or an agency below one).
    With `agency_id`, an agency role must also cover that very agency (e.g. the command's owner).
    """
    if allows_in_zone(session, actor, permission, zone_id, agency_id=agency_id):
        return
    raise PermissionDenied(
        f"{actor.username} may not {permission} in that zone", actor=actor, permission=permission
    )


def allows_in_zone(
    session: Session,
    actor: Actor,
    permission: str,
    zone_id: uuid.UUID,
    *,
    agency_id: uuid.UUID | None = None,
) -> bool:
    if actor.is_system:
        return True
    wanted = roles_for(permission)
    if not _token_allows(actor, permission):
        return False
    from accord.zones import service as zones_service
    from accord.zones.models import Zone

    zone = session.get(Zone, zone_id)
    if zone is None:
        return False
    day = zones_service.today()
    for grant in actor.grants:
        if grant.role not in wanted:
            continue
        if grant.role in PLATFORM_ROLES:
            return True
        if grant.zone_id is not None:
            # A zone role: for the zone as a whole, or for the holder's own agency (and the
            # agencies below it) when the action concerns one agency.
            if grant.zone_id != zone_id:
                continue
            if agency_id is None or agency_id == grant.agency_id:
                return True
            if grant.agency_id is not None and agency_id in _subtree(session, grant.agency_id):
                return True
            continue
        if grant.agency_id is None:
            continue
        if zones_service.member_for(session, zone, grant.agency_id, day) is None:
            continue
        if agency_id is None:
            return True
        covered = {grant.agency_id}
        if grant.include_subordinates:
            covered = _subtree(session, grant.agency_id)
        if agency_id in covered:
            return True
    return False


def _subtree(session: Session, agency_id: uuid.UUID) -> set[uuid.UUID]:
    from accord.agencies import service as agencies_service

    return agencies_service.subtree_ids(session, agency_id)


def any_role(actor: Actor, roles: Iterable[Role]) -> bool:
    return actor.has_role(*roles)
