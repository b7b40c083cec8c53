from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from accord.security import sessions, totp
from accord.security.actor import Role
from tests.factories import PASSWORD, make_named, make_user


def sign_in(session: Session, username: str, password: str = PASSWORD) -> sessions.Opened:
    return sessions.sign_in(
        session, username=username, password=password, client_addr="127.0.0.1", user_agent="t"
    )


def actions(session: Session) -> list[str]:
    return [
        e.action
        for e in session.scalars(select(AuditEvent).order_by(AuditEvent.occurred_at, AuditEvent.id))
    ]


def test_password_then_totp_opens_a_trusted_session(
    session: Session, frozen_clock: FrozenClock
) -> None:
    make_named(session, "SH")
    secret = make_user(session, "sh.officer", "310000", Role.OFFICER).totp_secret
    assert secret
    opened = sign_in(session, "sh.officer")
    assert opened.needs_totp
    assert sessions.resolve(session, opened.token) is None  # not trusted before the second factor
    trusted = sessions.second_factor(
        session,
        pending_token=opened.token,
        code=totp.code_at(secret, frozen_clock.now()),
        client_addr=None,
        user_agent=None,
    )
    assert trusted.token != opened.token
    assert sessions.resolve(session, trusted.token) is not None
    assert sessions.pending(session, opened.token) is None
    assert actions(session)[-1] == "auth.login"


def test_a_used_totp_code_cannot_be_replayed(session: Session, frozen_clock: FrozenClock) -> None:
    make_named(session, "SH")
    secret = make_user(session, "sh.officer", "310000", Role.OFFICER).totp_secret or ""
    code = totp.code_at(secret, frozen_clock.now())
    first = sign_in(session, "sh.officer")
    sessions.second_factor(
        session, pending_token=first.token, code=code, client_addr=None, user_agent=None
    )
    second = sign_in(session, "sh.officer")
    with pytest.raises(sessions.LoginFailed, match="already used"):
        sessions.second_factor(
            session, pending_token=second.token, code=code, client_addr=None, user_agent=None
        )


def test_admin_without_personal_data_needs_no_totp(session: Session) -> None:
    make_named(session, "SH")
    make_user(session, "sh.admin", "310000", Role.AGENCY_ADMIN)
    opened = sign_in(session, "sh.admin")
    assert not opened.needs_totp
    assert sessions.resolve(session, opened.token) is not None


def test_five_failures_lock_for_ten_minutes(session: Session, frozen_clock: FrozenClock) -> None:
    make_named(session, "SH")
    make_user(session, "sh.admin", "310000", Role.AGENCY_ADMIN)
    for _ in range(5):
        with pytest.raises(sessions.LoginFailed):
            sign_in(session, "sh.admin", "wrong-password-1")
    with pytest.raises(sessions.AccountLocked) as locked:
        sign_in(session, "sh.admin")  # even the right password
    assert locked.value.status == 423
    assert "auth.locked" in actions(session)
    frozen_clock.advance(timedelta(minutes=9, seconds=59))
    with pytest.raises(sessions.AccountLocked):
        sign_in(session, "sh.admin")
    frozen_clock.advance(timedelta(seconds=2))
    assert sign_in(session, "sh.admin").web_session is not None


def test_wrong_totp_codes_count_towards_the_lock(
    session: Session, frozen_clock: FrozenClock
) -> None:
    make_named(session, "SH")
    make_user(session, "sh.officer", "310000", Role.OFFICER)
    for _ in range(5):
        opened = sign_in(session, "sh.officer")
        with pytest.raises(sessions.LoginFailed):
            sessions.second_factor(
                session,
                pending_token=opened.token,
                code="000000",
                client_addr=None,
                user_agent=None,
            )
    with pytest.raises(sessions.AccountLocked):
        sign_in(session, "sh.officer")


def test_unknown_user_is_refused_like_a_wrong_password(session: Session) -> None:
    with pytest.raises(sessions.LoginFailed, match="wrong username or password"):
        sign_in(session, "nobody")
    assert actions(session) == ["auth.login_failed"]


def test_idle_session_ends_after_thirty_minutes(
    session: Session, frozen_clock: FrozenClock
) -> None:
    make_named(session, "SH")
    make_user(session, "sh.admin", "310000", Role.AGENCY_ADMIN)
    token = sign_in(session, "sh.admin").token
    frozen_clock.advance(timedelta(minutes=29))
    assert sessions.resolve(session, token) is not None  # use keeps it alive
    frozen_clock.advance(timedelta(minutes=29))
    assert sessions.resolve(session, token) is not None
    frozen_clock.advance(timedelta(minutes=30, seconds=1))
    assert sessions.resolve(session, token) is None
    frozen_clock.advance(timedelta(seconds=1))
    assert sessions.resolve(session, token) is None  # ended for good
