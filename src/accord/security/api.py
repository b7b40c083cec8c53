"""Routes under /api/v1 for the signed-in actor, users, role grants and API tokens."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from accord.security import service, tokens, totp
from accord.security.actor import Actor, Role
from accord.security.deps import CurrentActor, require
from accord.security.models import ApiToken, User
from accord.security.schemas import (
    GrantCreate,
    GrantOut,
    Me,
    PasswordReset,
    Secret,
    TokenCreate,
    TokenIssued,
    TokenOut,
    UserCreate,
    UserCreated,
    UserOut,
)
from accord.web.deps import DbSession
from accord.web.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["users"], responses=PROBLEM_RESPONSES)

Admin = Annotated[Actor, Depends(require("users.manage"))]
Reader = Annotated[Actor, Depends(require("users.read"))]


def user_out(user: User) -> UserOut:
    return UserOut(
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        agency=user.agency.code,
        active=user.active,
        locked_until=user.locked_until,
        locale=user.locale,
        last_login_at=user.last_login_at,
        grants=[
            GrantOut(
                id=str(g.id),
                role=Role(g.role),
                agency=g.agency.code if g.agency else None,
                include_subordinates=g.include_subordinates,
                zone_id=str(g.zone_id) if g.zone_id else None,
                granted_at=g.granted_at,
                granted_by=g.granted_by,
            )
            for g in user.grants
        ],
    )


def token_out(row: ApiToken) -> TokenOut:
    return TokenOut(
        id=str(row.id),
        name=row.name,
        prefix=row.token_prefix,
        scopes=row.scopes,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


@router.get("/me", response_model=Me)
def me(actor: CurrentActor) -> Me:
    """Who the request acts as."""
    return Me(
        username=actor.username,
        display_name=actor.display_name,
        agency=actor.agency_code,
        roles=sorted({g.role.value for g in actor.grants}),
        via=actor.via,
        scopes=sorted(actor.scopes) if actor.scopes is not None else None,
    )


@router.get("/users", response_model=list[UserOut])
def list_users(
    session: DbSession, actor: Reader, agency: Annotated[str | None, Query()] = None
) -> list[UserOut]:
    """Users of the agencies in the caller's scope (agency admins: their agency and below)."""
    return [user_out(u) for u in service.list_users(session, actor, agency_code=agency)]


@router.post("/users", response_model=UserCreated, status_code=201)
def create_user(session: DbSession, actor: Admin, body: UserCreate) -> UserCreated:
    created = service.create_user(
        session,
        actor,
        username=body.username,
        display_name=body.display_name,
        agency_code=body.agency,
        email=body.email,
        password=body.password,
        roles=body.roles,
        include_subordinates=body.include_subordinates,
        locale=body.locale,
    )
    session.commit()
    secret = created.totp_secret
    return UserCreated(
        user=user_out(created.user),
        password=created.password,
        totp_secret=secret,
        totp_uri=totp.provisioning_uri(secret, created.user.username) if secret else None,
    )


@router.get("/users/{username}", response_model=UserOut)
def show_user(session: DbSession, actor: CurrentActor, username: str) -> UserOut:
    return user_out(service.show_user(session, actor, username))


@router.post("/users/{username}/grants", response_model=UserOut, status_code=201)
def grant(session: DbSession, actor: Admin, username: str, body: GrantCreate) -> UserOut:
    service.grant_role(
        session,
        actor,
        username=username,
        role=body.role,
        agency_code=body.agency,
        include_subordinates=body.include_subordinates,
        zone_id=uuid.UUID(body.zone_id) if body.zone_id else None,
    )
    session.commit()
    return user_out(service.get_user(session, username))


@router.delete("/users/{username}/grants/{grant_id}", response_model=UserOut)
def revoke(session: DbSession, actor: Admin, username: str, grant_id: uuid.UUID) -> UserOut:
    service.revoke_role(session, actor, username=username, grant_id=grant_id)
    session.commit()
    return user_out(service.get_user(session, username))


@router.post("/users/{username}/deactivate", response_model=UserOut)
def deactivate(session: DbSession, actor: Admin, username: str) -> UserOut:
    user = service.set_active(session, actor, username=username, active=False)
    session.commit()
    return user_out(user)


@router.post("/users/{username}/activate", response_model=UserOut)
def activate(session: DbSession, actor: Admin, username: str) -> UserOut:
    user = service.set_active(session, actor, username=username, active=True)
    session.commit()
    return user_out(user)


@router.post("/users/{username}/reset-password", response_model=Secret)
def reset_password(session: DbSession, actor: Admin, username: str, body: PasswordReset) -> Secret:
    password = service.reset_password(session, actor, username=username, password=body.password)
    session.commit()
    return Secret(secret=password)


@router.post("/users/{username}/reset-totp", response_model=Secret)
def reset_totp(session: DbSession, actor: Admin, username: str) -> Secret:
    secret = service.reset_totp(session, actor, username=username)
    session.commit()
    return Secret(secret=secret, totp_uri=totp.provisioning_uri(secret, username))


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(
    session: DbSession, actor: CurrentActor, username: Annotated[str | None, Query()] = None
) -> list[TokenOut]:
    """Your tokens, or (agency admins) those of a user in your scope."""
    rows = tokens.list_tokens(session, actor, username=username or actor.username)
    return [token_out(r) for r in rows]


@router.post("/tokens", response_model=TokenIssued, status_code=201)
def create_token(session: DbSession, actor: CurrentActor, body: TokenCreate) -> TokenIssued:
    issued = tokens.create(
        session,
        actor,
        username=body.username or actor.username,
        name=body.name,
        scopes=body.scopes,
        days=body.days,
    )
    session.commit()
    return TokenIssued(token=issued.token, details=token_out(issued.row))


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke_token(session: DbSession, actor: CurrentActor, token_id: uuid.UUID) -> TokenOut:
    row = tokens.revoke(session, actor, token_id)
    session.commit()
    return token_out(row)
