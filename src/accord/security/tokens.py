"""API tokens for agencies' own systems: random, shown once, stored as SHA-256, scoped, expiring."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accord.audit import service as audit
from accord.core import clock
from accord.core.errors import InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.security import policy
from accord.security.actor import Actor
from accord.security.models import ApiToken, User
from accord.security.service import get_user

PREFIX = "acc_"
MAX_DAYS = 366
TOUCH_EVERY = timedelta(minutes=5)


class TokenNotFound(NotFound):
    code = "token_not_found"
    title = "Token not found"


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    row: ApiToken


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_scopes(scopes: Sequence[str]) -> list[str]:
    known = set(policy.PERMISSIONS) | {f"{p.split('.')[0]}.*" for p in policy.PERMISSIONS} | {"*"}
    cleaned = sorted({s.strip() for s in scopes if s.strip()})
    unknown = [s for s in cleaned if s not in known]
    if unknown:
        raise InvalidInput(f"unknown scope(s): {', '.join(unknown)}", field="scopes")
    if not cleaned:
        raise InvalidInput("a token needs at least one scope", field="scopes")
    return cleaned


def create(
    session: Session,
    actor: Actor,
    *,
    username: str,
    name: str,
    scopes: Sequence[str],
    days: int = 90,
) -> IssuedToken:
    """Issue a token for a user: one's own, or (agency admin) a user in one's scope."""
    user = get_user(session, username)
    if user.id != actor.user_id:
        policy.require_agency(session, actor, "tokens.manage", user.agency_id)
    else:
        policy.require(actor, "tokens.manage_own")
    if not name.strip():
        raise InvalidInput("a token needs a name", field="name")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"a token lives 1 to {MAX_DAYS} days", field="days")
    token = PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    row = ApiToken(
        id=uuid7(),
        user_id=user.id,
        name=name.strip()[:100],
        token_prefix=token[: len(PREFIX) + 6],
        token_hash=_hash(token),
        scopes=_check_scopes(scopes),
        created_at=now,
        expires_at=now + timedelta(days=days),
        created_by=actor.username,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        action="token.create",
        object_type="api_token",
        object_id=row.id,
        detail={"user": user.username, "name": row.name, "scopes": row.scopes, "days": days},
    )
    return IssuedToken(token=token, row=row)


def list_tokens(session: Session, actor: Actor, *, username: str) -> list[ApiToken]:
    user = get_user(session, username)
    if user.id != actor.user_id:
        policy.require_agency(session, actor, "tokens.manage", user.agency_id)
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
        )
    )


def revoke(session: Session, actor: Actor, token_id: uuid.UUID) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise TokenNotFound("no such token", field="token")
    if row.user_id != actor.user_id:
        policy.require_agency(session, actor, "tokens.manage", row.user.agency_id)
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        session.flush()
        audit.record(
            session, actor, action="token.revoke", object_type="api_token", object_id=row.id
        )
    return row


def revoke_all(session: Session, user: User) -> None:
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def resolve(session: Session, token: str) -> ApiToken | None:
    """The live token row for a presented bearer token, or None (unknown, revoked, expired)."""
    if not token.startswith(PREFIX):
        return None
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == _hash(token))).one_or_none()
    now = clock.now()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
    return row
