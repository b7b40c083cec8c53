"""Signing in and browser sessions: password, lockout, TOTP step, idle timeout, sign-out.

A sign-in takes two steps for users who need a second factor: the password opens a session
that is not yet trusted (`mfa_passed` false), and a valid TOTP code trusts it under a new token,
so a token seen before the second step is worthless after it. Five wrong passwords or codes in a
row lock the account for ten minutes; a session idle for thirty minutes ends.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accord.audit import service as audit
from accord.audit.service import Subject
from accord.core import clock
from accord.core.errors import DomainError
from accord.core.ids import uuid7
from accord.security import passwords, totp
from accord.security.actor import Actor
from accord.security.models import User, WebSession
from accord.security.service import actor_for, needs_second_factor

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=10)
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_LIFETIME = timedelta(hours=12)
TOUCH_EVERY = timedelta(seconds=60)


class LoginFailed(DomainError):
    status = 401
    code = "login_failed"
    title = "Sign-in failed"


class AccountLocked(DomainError):
    status = 423
    code = "account_locked"
    title = "Account locked"


@dataclass(frozen=True)
class Opened:
    """A session just opened: the cookie token (shown once) and whether TOTP is still due."""

    token: str
    web_session: WebSession
    needs_totp: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _anonymous(username: str, client_addr: str | None) -> Actor:
    return Actor(
        user_id=None,
        username=username[:80] or "?",
        display_name=username[:80],
        agency_id=None,
        agency_code=None,
        via="login",
        client_addr=client_addr,
    )


def _fail(session: Session, user: User, client_addr: str | None, step: str) -> None:
    """Count a failure; the fifth in a row locks the account. Committed by the caller."""
    now = clock.now()
    user.failed_logins += 1
    actor = actor_for(user, via="login", client_addr=client_addr)
    locked = user.failed_logins >= MAX_FAILURES
    if locked:
        user.locked_until = now + LOCK_DURATION
        user.failed_logins = 0
    session.flush()
    audit.record(
        session,
        actor,
        action="auth.login_failed",
        object_type="user",
        object_id=user.id,
        outcome="denied",
        subjects=[Subject("user", user.username)],
        detail={"step": step},
    )
    if locked:
        audit.record(
            session,
            actor,
            action="auth.locked",
            object_type="user",
            object_id=user.id,
            outcome="denied",
            subjects=[Subject("user", user.username)],
            detail={"until": user.locked_until.isoformat() if user.locked_until else None},
        )


def _check_lock(user: User) -> None:
    if user.locked_until is not None and user.locked_until > clock.now():
        minutes = max(1, int((user.locked_until - clock.now()).total_seconds() // 60) + 1)
        raise AccountLocked(
            f"too many failed attempts: the account is locked for {minutes} more minute(s)",
            locked_until=user.locked_until.isoformat(),
        )


def sign_in(
    session: Session,
    *,
    username: str,
    password: str,
    client_addr: str | None,
    user_agent: str | None,
) -> Opened:
    """Check the password and open a session; failures are recorded, so commit either way."""
    user = session.scalars(
        select(User).where(User.username == username.strip().lower())
    ).one_or_none()
    if user is None or not user.active:
        # Spend the same time as a real check, so response time does not reveal usernames.
        passwords.verify_password(_DUMMY_HASH, password)
        audit.record(
            session,
            _anonymous(username, client_addr),
            action="auth.login_failed",
            outcome="denied",
            subjects=[Subject("user", username.strip().lower()[:128])],
            detail={"step": "password", "reason": "unknown or inactive user"},
        )
        raise LoginFailed("wrong username or password")
    _check_lock(user)
    if not passwords.verify_password(user.password_hash, password):
        _fail(session, user, client_addr, "password")
        raise LoginFailed("wrong username or password")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    second = needs_second_factor(user)
    opened = _open(
        session, user, mfa_passed=not second, client_addr=client_addr, user_agent=user_agent
    )
    if not second:
        _succeeded(session, user, client_addr)
    return opened


def _open(
    session: Session,
    user: User,
    *,
    mfa_passed: bool,
    client_addr: str | None,
    user_agent: str | None,
) -> Opened:
    now = clock.now()
    token = secrets.token_urlsafe(32)
    web_session = WebSession(
        id=uuid7(),
        user_id=user.id,
        token_hash=_hash(token),
        csrf_token=secrets.token_urlsafe(32),
        mfa_passed=mfa_passed,
        created_at=now,
        last_seen_at=now,
        expires_at=now + (ABSOLUTE_LIFETIME if mfa_passed else timedelta(minutes=5)),
        client_addr=client_addr,
        user_agent=(user_agent or "")[:300],
    )
    session.add(web_session)
    session.flush()
    return Opened(token=token, web_session=web_session, needs_totp=not mfa_passed)


def _succeeded(session: Session, user: User, client_addr: str | None) -> None:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor_for(user, via="login", client_addr=client_addr),
        action="auth.login",
        object_type="user",
        object_id=user.id,
        subjects=[Subject("user", user.username)],
    )


def second_factor(
    session: Session,
    *,
    pending_token: str,
    code: str,
    client_addr: str | None,
    user_agent: str | None,
) -> Opened:
    """Check the TOTP code of a half-open session and replace it with a trusted one."""
    pending = _find(session, pending_token)
    if pending is None or pending.mfa_passed:
        raise LoginFailed("the sign-in has expired: start again")
    user = pending.user
    _check_lock(user)
    step = totp.matching_step(
        user.totp_secret or "", code, clock.now(), last_step=user.totp_last_step
    )
    if step is None:
        _fail(session, user, client_addr, "totp")
        raise LoginFailed("wrong or already used code")
    user.totp_last_step = step
    _end(pending, "upgraded")
    opened = _open(session, user, mfa_passed=True, client_addr=client_addr, user_agent=user_agent)
    _succeeded(session, user, client_addr)
    return opened


def _find(session: Session, token: str) -> WebSession | None:
    """The live session behind a cookie token, ended now if it has been idle too long."""
    if not token:
        return None
    web_session = session.scalars(
        select(WebSession).where(WebSession.token_hash == _hash(token))
    ).one_or_none()
    if web_session is None or web_session.ended_at is not None:
        return None
    now = clock.now()
    if now >= web_session.expires_at:
        _end(web_session, "expired")
        return None
    if now - web_session.last_seen_at > IDLE_TIMEOUT:
        _end(web_session, "idle")
        return None
    if not web_session.user.active:
        _end(web_session, "deactivated")
        return None
    return web_session


def resolve(session: Session, token: str) -> WebSession | None:
    """The trusted session behind a cookie, touched (at most once a minute) to keep it alive."""
    web_session = _find(session, token)
    if web_session is None or not web_session.mfa_passed:
        return None
    now = clock.now()
    if now - web_session.last_seen_at >= TOUCH_EVERY:
        web_session.last_seen_at = now
    return web_session


def pending(session: Session, token: str) -> WebSession | None:
    """A session still waiting for its TOTP code."""
    web_session = _find(session, token)
    return web_session if web_session is not None and not web_session.mfa_passed else None


def _end(web_session: WebSession, reason: str) -> None:
    if web_session.ended_at is None:
        web_session.ended_at = clock.now()
        web_session.end_reason = reason


def sign_out(session: Session, actor: Actor, token: str) -> None:
    web_session = _find(session, token)
    if web_session is not None:
        _end(web_session, "signed_out")
        audit.record(
            session, actor, action="auth.logout", object_type="user", object_id=actor.user_id
        )


def end_all(session: Session, user: User, *, reason: str) -> int:
    result = session.execute(
        update(WebSession)
        .where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
        .values(ended_at=clock.now(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult of an UPDATE


_DUMMY_HASH = passwords.hash_password("not-a-real-password-0")
