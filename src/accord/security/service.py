"""Users and their grants: creation, roles, deactivation, resets, and who may manage whom.

An agency admin manages the users of the agencies in their scope (their own agency, and its
subordinates when the grant includes them); a platform admin manages everyone. Every change is
audited with the acting user.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.audit import service as audit
from accord.audit.service import Subject
from accord.core import clock
from accord.core.errors import Conflict, InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.security import passwords, policy, totp
from accord.security.actor import PERSONAL_DATA_ROLES, ZONE_ROLES, Actor, Grant, Role
from accord.security.models import RoleGrant, User

USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{2,79}$")


class UserNotFound(NotFound):
    code = "user_not_found"
    title = "User not found"


class UsernameTaken(Conflict):
    code = "username_taken"
    title = "Username taken"


class InvalidGrant(InvalidInput):
    code = "invalid_grant"
    title = "Invalid role grant"


@dataclass(frozen=True)
class Recipient:
    """Where a notification for one user goes."""

    user_id: uuid.UUID
    username: str
    email: str
    locale: str
    agency_id: uuid.UUID


@dataclass(frozen=True)
class NewUser:
    """A created user with the secrets shown once: the initial password and TOTP secret."""

    user: User
    password: str
    totp_secret: str | None


# --- reading -------------------------------------------------------------------------------


def get_user(session: Session, username: str) -> User:
    user = session.scalars(
        select(User).where(User.username == username.strip().lower())
    ).one_or_none()
    if user is None:
        raise UserNotFound(f"no user is called {username!r}", field="username")
    return user


def readable_users(session: Session, actor: Actor) -> Select[User]:
    """Users the actor may see: those of the agencies where they hold `users.read`."""
    stmt = select(User).order_by(User.username)
    scope = policy.agencies_in_scope(session, actor, "users.read")
    if scope is policy.ALL:
        return stmt
    return stmt.where(User.agency_id.in_(scope or {uuid.UUID(int=0)}))


def list_users(session: Session, actor: Actor, *, agency_code: str | None = None) -> list[User]:
    policy.require(actor, "users.read")
    stmt = readable_users(session, actor)
    if agency_code is not None:
        agency = agencies_service.get_by_code(session, agency_code)
        policy.require_agency(session, actor, "users.read", agency.id)
        stmt = stmt.where(User.agency_id == agency.id)
    return list(session.scalars(stmt))


def show_user(session: Session, actor: Actor, username: str) -> User:
    user = get_user(session, username)
    if user.id != actor.user_id:
        policy.require_agency(session, actor, "users.read", user.agency_id)
    return user


def actor_for(
    user: User, *, via: str, scopes: frozenset[str] | None = None, client_addr: str | None = None
) -> Actor:
    """The Actor a signed-in user (or their token, or the CLI acting as them) acts as."""
    grants = tuple(
        Grant(
            role=Role(g.role),
            agency_id=g.agency_id,
            include_subordinates=g.include_subordinates,
            zone_id=g.zone_id,
        )
        for g in user.grants
    )
    return Actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        agency_id=user.agency_id,
        agency_code=user.agency.code,
        grants=grants,
        via=via,
        scopes=scopes,
        client_addr=client_addr,
        locale=user.locale,
        extra={"agency_name_zh": user.agency.name_zh, "agency_name_en": user.agency.name_en},
    )


def needs_second_factor(user: User) -> bool:
    """TOTP is required for every role that sees personal data, and for anyone enrolled."""
    return user.totp_secret is not None or any(
        Role(g.role) in PERSONAL_DATA_ROLES for g in user.grants
    )


def recipients(
    session: Session,
    *,
    user_ids: Iterable[uuid.UUID],
    agency_ids: Iterable[uuid.UUID],
    roles: Iterable[Role],
) -> list[Recipient]:
    """Active users to notify: the listed users, plus users of the listed agencies holding one
    of `roles` there (every user of those agencies when no role is given)."""
    wanted_users, wanted_agencies = set(user_ids), set(agency_ids)
    wanted_roles = {Role(r).value for r in roles}
    found: dict[uuid.UUID, User] = {}
    if wanted_users:
        for user in session.scalars(select(User).where(User.id.in_(wanted_users), User.active)):
            found[user.id] = user
    if wanted_agencies:
        if wanted_roles:
            stmt = (
                select(User)
                .join(RoleGrant, RoleGrant.user_id == User.id)
                .where(
                    User.active,
                    RoleGrant.role.in_(wanted_roles),
                    RoleGrant.agency_id.in_(wanted_agencies),
                )
            )
        else:
            stmt = select(User).where(User.active, User.agency_id.in_(wanted_agencies))
        for user in session.scalars(stmt).unique():
            found[user.id] = user
    elif wanted_roles and not wanted_users:
        stmt = (
            select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(User.active, RoleGrant.role.in_(wanted_roles))
        )
        for user in session.scalars(stmt).unique():
            found[user.id] = user
    return [
        Recipient(
            user_id=u.id, username=u.username, email=u.email, locale=u.locale, agency_id=u.agency_id
        )
        for u in sorted(found.values(), key=lambda u: u.username)
    ]


# --- changing ------------------------------------------------------------------------------


def _check_grant(session: Session, actor: Actor, grant: Grant) -> None:
    """Refuse a grant of the wrong shape, or one the actor may not give."""
    if grant.role in ZONE_ROLES:
        if grant.zone_id is None:
            raise InvalidGrant(f"the {grant.role.value} role is granted per zone", field="zone")
    elif grant.zone_id is not None:
        raise InvalidGrant(f"the {grant.role.value} role is granted per agency", field="zone")
    if grant.role is Role.PLATFORM_ADMIN:
        if not (actor.has_role(Role.PLATFORM_ADMIN) or actor.is_system):
            raise policy.PermissionDenied(
                "only a platform admin grants platform_admin",
                actor=actor,
                permission="users.manage",
            )
        return
    if grant.agency_id is None:
        raise InvalidGrant(f"the {grant.role.value} role needs an agency", field="agency")
    # Zone roles are recorded against the holder's agency, so its admin answers for them.
    policy.require_agency(session, actor, "users.manage", grant.agency_id)
    if grant.zone_id is not None:
        _check_zone_grant(session, grant)


def _check_zone_grant(session: Session, grant: Grant) -> None:
    """A zone role is held by someone of a member (or of an agency under one), and a member has
    one director in the zone's leading group (deputies may be several)."""
    from accord.zones import service as zones_service
    from accord.zones.models import Zone

    zone = session.get(Zone, grant.zone_id)
    if zone is None:
        raise InvalidGrant("no such zone", field="zone")
    assert grant.agency_id is not None
    member = zones_service.member_for(session, zone, grant.agency_id, zones_service.today())
    if member is None:
        raise InvalidGrant(f"the user's agency is not a member of {zone.code}", field="zone")
    if grant.role is Role.DIRECTOR:
        for user, agency_code in zones_service.directors(session, zone):
            if agency_code == member.agency.code:
                raise Conflict(
                    f"{member.agency.code} already has a director in {zone.code}: {user}",
                    field="role",
                )


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    agency_code: str,
    email: str = "",
    password: str | None = None,
    roles: Sequence[Role] = (),
    include_subordinates: bool = False,
    totp_secret: str | None = None,
    locale: str = "zh",
) -> NewUser:
    """Create a user of an agency in the actor's scope, with roles in that agency."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise InvalidInput(
            "a username is 3-80 characters: lower-case letters, digits, dot, dash, underscore",
            field="username",
        )
    if not display_name.strip():
        raise InvalidInput("a display name is required", field="display_name")
    if locale not in ("zh", "en"):
        raise InvalidInput("locale is zh or en", field="locale")
    agency = agencies_service.get_by_code(session, agency_code)
    policy.require_agency(session, actor, "users.manage", agency.id)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UsernameTaken(f"the username {username!r} is taken", field="username")
    password = password or generate_password()
    passwords.check_strength(password, username=username)
    grants = [
        Grant(
            role=r,
            agency_id=None if r is Role.PLATFORM_ADMIN else agency.id,
            include_subordinates=include_subordinates,
        )
        for r in roles
    ]
    for grant in grants:
        _check_grant(session, actor, grant)
    needs_totp = totp_secret is not None or any(r in PERSONAL_DATA_ROLES for r in roles)
    secret = (totp_secret or totp.new_secret()) if needs_totp else None
    user = User(
        id=uuid7(),
        username=username,
        display_name=display_name.strip(),
        email=email.strip(),
        agency=agency,
        password_hash=passwords.hash_password(password),
        totp_secret=secret,
        locale=locale,
        grants=[],
    )
    session.add(user)
    for grant in grants:
        user.grants.append(_grant_row(grant, actor))
    session.flush()
    audit.record(
        session,
        actor,
        action="user.create",
        object_type="user",
        object_id=user.id,
        subjects=[Subject("user", username)],
        detail={"agency": agency.code, "roles": [g.role.value for g in grants]},
    )
    return NewUser(user=user, password=password, totp_secret=secret)


def _grant_row(grant: Grant, actor: Actor) -> RoleGrant:
    return RoleGrant(
        id=uuid7(),
        role=grant.role.value,
        agency_id=grant.agency_id,
        include_subordinates=grant.include_subordinates,
        zone_id=grant.zone_id,
        granted_at=clock.now(),
        granted_by=actor.username,
    )


def _managed_user(session: Session, actor: Actor, username: str) -> User:
    user = get_user(session, username)
    policy.require_agency(session, actor, "users.manage", user.agency_id)
    if any(g.role == Role.PLATFORM_ADMIN.value for g in user.grants) and not (
        actor.has_role(Role.PLATFORM_ADMIN) or actor.is_system
    ):
        raise policy.PermissionDenied(
            "only a platform admin manages a platform admin", actor=actor, permission="users.manage"
        )
    return user


def grant_role(
    session: Session,
    actor: Actor,
    *,
    username: str,
    role: Role,
    agency_code: str | None = None,
    include_subordinates: bool = False,
    zone_id: uuid.UUID | None = None,
) -> RoleGrant:
    user = _managed_user(session, actor, username)
    agency_id = agencies_service.get_by_code(session, agency_code).id if agency_code else None
    if agency_id is None and role is not Role.PLATFORM_ADMIN:
        agency_id = user.agency_id
    grant = Grant(
        role=role, agency_id=agency_id, include_subordinates=include_subordinates, zone_id=zone_id
    )
    _check_grant(session, actor, grant)
    for existing in user.grants:
        if (existing.role, existing.agency_id, existing.zone_id) == (
            role.value,
            agency_id,
            zone_id,
        ):
            raise Conflict(f"{user.username} already holds {role.value} there", field="role")
    row = _grant_row(grant, actor)
    user.grants.append(row)
    if role in PERSONAL_DATA_ROLES and user.totp_secret is None:
        user.totp_secret = totp.new_secret()
    session.flush()
    audit.record(
        session,
        actor,
        action="user.grant",
        object_type="user",
        object_id=user.id,
        subjects=[Subject("user", user.username)],
        detail={
            "role": role.value,
            "agency": agency_code,
            "subordinates": include_subordinates,
            "zone": str(zone_id) if zone_id else None,
        },
    )
    return row


def revoke_role(session: Session, actor: Actor, *, username: str, grant_id: uuid.UUID) -> None:
    user = _managed_user(session, actor, username)
    row = next((g for g in user.grants if g.id == grant_id), None)
    if row is None:
        raise NotFound(f"{user.username} has no such grant", field="grant")
    if row.agency_id is not None:
        policy.require_agency(session, actor, "users.manage", row.agency_id)
    user.grants.remove(row)
    session.flush()
    audit.record(
        session,
        actor,
        action="user.revoke",
        object_type="user",
        object_id=user.id,
        subjects=[Subject("user", user.username)],
        detail={"role": row.role},
    )


def set_active(session: Session, actor: Actor, *, username: str, active: bool) -> User:
    """Deactivate (every session and token stops working at once) or reactivate a user."""
    user = _managed_user(session, actor, username)
    if user.id == actor.user_id and not active:
        raise Conflict("you cannot deactivate yourself", field="username")
    user.active = active
    if not active:
        from accord.security import sessions, tokens

        sessions.end_all(session, user, reason="deactivated")
        tokens.revoke_all(session, user)
    session.flush()
    audit.record(
        session,
        actor,
        action="user.activate" if active else "user.deactivate",
        object_type="user",
        object_id=user.id,
        subjects=[Subject("user", user.username)],
    )
    return user


def reset_password(
    session: Session, actor: Actor, *, username: str, password: str | None = None
) -> str:
    """Set a new password (generated when none is given); unlocks the account. Returns it."""
    user = _managed_user(session, actor, username)
    password = password or generate_password()
    passwords.check_strength(password, username=user.username)
    user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    from accord.security import sessions

    sessions.end_all(session, user, reason="password_reset")
    session.flush()
    audit.record(
        session,
        actor,
        action="user.reset_password",
        object_type="user",
        object_id=user.id,
        subjects=[Subject("user", user.username)],
    )
    return password


def reset_totp(session: Session, actor: Actor, *, username: str) -> str:
    """Give the user a new TOTP secret (shown once); their sessions end."""
    user = _managed_user(session, actor, username)
    user.totp_secret = totp.new_secret()
    user.totp_last_step = None
    from accord.security import sessions

    sessions.end_all(session, user, reason="totp_reset")
    session.flush()
    audit.record(
        session,
        actor,
        action="user.reset_totp",
        object_type="user",
        object_id=user.id,
        subjects=[Subject("user", user.username)],
    )
    return user.totp_secret


def change_own_password(session: Session, actor: Actor, *, current: str, new: str) -> None:
    user = get_user(session, actor.username)
    if not passwords.verify_password(user.password_hash, current):
        raise InvalidInput("the current password is wrong", field="current_password")
    passwords.check_strength(new, username=user.username)
    user.password_hash = passwords.hash_password(new)
    session.flush()
    audit.record(
        session, actor, action="user.change_password", object_type="user", object_id=user.id
    )


def set_locale(session: Session, actor: Actor, locale: str) -> None:
    """Remember the user's UI language."""
    if actor.user_id is None or locale not in ("zh", "en"):
        return
    user = session.get(User, actor.user_id)
    if user is not None and user.locale != locale:
        user.locale = locale
        session.flush()


def generate_password() -> str:
    """A random password a person can type: four groups of five characters."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))
