"""Signing in through the real forms: CSRF, the TOTP step, the lock, sign-out, admin pages."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.core import clock
from accord.security import totp
from accord.security.actor import Role
from tests.factories import PASSWORD, csrf, make_named, make_user


def sign_in(
    client: TestClient, username: str, password: str = PASSWORD, secret: str | None = None
) -> None:
    token = csrf(client, "/login")
    first = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/account"},
        follow_redirects=False,
    )
    assert first.status_code == 303, first.text
    if secret is None:
        assert first.headers["location"] == "/account"
        return
    assert first.headers["location"].startswith("/login/totp")
    token = csrf(client, first.headers["location"])
    second = client.post(
        "/login/totp",
        data={"code": totp.code_at(secret, clock.now()), "csrf_token": token, "next": "/account"},
        follow_redirects=False,
    )
    assert second.status_code == 303, second.text
    assert second.headers["location"] == "/account"


def test_officer_signs_in_with_password_and_totp_then_out(
    client: TestClient, session: Session
) -> None:
    make_named(session, "SH")
    secret = make_user(session, "sh.officer", "310000", Role.OFFICER).totp_secret
    assert (
        client.get("/account", follow_redirects=False).headers["location"] == "/login?next=/account"
    )
    sign_in(client, "sh.officer", secret=secret)
    account = client.get("/account")
    assert account.status_code == 200
    assert "sh.officer" in account.text
    assert "accord_session" in client.cookies
    out = client.post(
        "/logout", data={"csrf_token": csrf(client, "/account")}, follow_redirects=False
    )
    assert out.headers["location"] == "/login"
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_pending_session_cannot_reach_pages(client: TestClient, session: Session) -> None:
    make_named(session, "SH")
    make_user(session, "sh.officer", "310000", Role.OFFICER)
    token = csrf(client, "/login")
    client.post(
        "/login",
        data={"username": "sh.officer", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert client.get("/account", follow_redirects=False).status_code == 303
    wrong = client.post(
        "/login/totp", data={"code": "000000", "csrf_token": csrf(client, "/login/totp")}
    )
    assert wrong.status_code == 401
    assert "验证码错误或已使用" in wrong.text


def test_login_form_without_csrf_token_is_refused(client: TestClient, session: Session) -> None:
    make_named(session, "SH")
    make_user(session, "sh.admin", "310000", Role.AGENCY_ADMIN)
    response = client.post("/login", data={"username": "sh.admin", "password": PASSWORD})
    assert response.status_code == 403
    assert "accord_session" not in client.cookies


def test_five_wrong_passwords_lock_the_form(client: TestClient, session: Session) -> None:
    make_named(session, "SH")
    make_user(session, "sh.admin", "310000", Role.AGENCY_ADMIN)
    token = csrf(client, "/login")
    for _ in range(5):
        wrong = client.post(
            "/login",
            data={"username": "sh.admin", "password": "nope-nope-nope", "csrf_token": token},
        )
        assert wrong.status_code == 401
    locked = client.post(
        "/login", data={"username": "sh.admin", "password": PASSWORD, "csrf_token": token}
    )
    assert locked.status_code == 423
    assert "账户已锁定十分钟" in locked.text


def test_admin_pages_create_and_manage_a_user(client: TestClient, session: Session) -> None:
    make_named(session)
    make_user(session, "zj.admin", "330000", Role.AGENCY_ADMIN, include_subordinates=True)
    make_user(session, "js.officer", "320000", Role.OFFICER)
    sign_in(client, "zj.admin")
    listing = client.get("/admin/users")
    assert listing.status_code == 200
    assert "js.officer" not in listing.text
    token = csrf(client, "/admin/users")
    created = client.post(
        "/admin/users",
        data={
            "username": "hz.officer",
            "display_name": "Lin",
            "agency": "330100",
            "roles": ["officer"],
            "csrf_token": token,
        },
    )
    assert created.status_code == 201
    assert 'id="new-totp"' in created.text
    reset = client.post("/admin/users/hz.officer/reset-password", data={"csrf_token": token})
    assert 'id="new-password"' in reset.text
    assert (
        client.post("/admin/users/hz.officer/deactivate", data={"csrf_token": token}).status_code
        == 200
    )
    assert (
        "Deactivated"
        in client.get("/admin/users/hz.officer", headers={"Accept-Language": "en"}).text
        or "已停用" in client.get("/admin/users/hz.officer").text
    )
    refused = client.post("/admin/users/js.officer/deactivate", data={"csrf_token": token})
    assert refused.status_code == 403


def test_account_page_makes_a_token_shown_once(client: TestClient, session: Session) -> None:
    make_named(session, "SH")
    make_user(session, "sh.admin", "310000", Role.AGENCY_ADMIN)
    sign_in(client, "sh.admin")
    token = csrf(client, "/account")
    made = client.post(
        "/account/tokens",
        data={"name": "desk", "scopes": "directory.read", "days": "30", "csrf_token": token},
    )
    assert 'id="new-token"' in made.text
    assert 'id="new-token"' not in client.get("/account").text
    bad = client.post(
        "/account/tokens", data={"name": "x", "scopes": "nope.read", "csrf_token": token}
    )
    assert "unknown scope" in bad.text
    weak = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "csrf_token": token},
    )
    assert "at least 10 characters" in weak.text
