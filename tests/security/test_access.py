"""Who sees what through the API: each refusal a 403 problem+json and an audit event."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.security.actor import Role
from tests.factories import bearer, make_named, make_user

PROBLEM = "application/problem+json"


def denials(session: Session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")))


def setup(session: Session) -> None:
    make_named(session)
    make_user(session, "sh.officer", "310000", Role.OFFICER)
    make_user(session, "js.officer", "320000", Role.OFFICER)
    make_user(session, "zj.admin", "330000", Role.AGENCY_ADMIN, include_subordinates=True)
    make_user(session, "admin", "MPS", Role.PLATFORM_ADMIN)


def test_shanghai_officer_sees_jiangsu_duty_desk_but_not_its_users(
    client: TestClient, session: Session
) -> None:
    setup(session)
    client.put(  # Jiangsu's admin would normally do this; the platform admin sets it up here
        "/api/v1/agencies/320000/contacts",
        json=[
            {
                "kind": "duty_desk",
                "label_zh": "指挥中心",
                "phone": "+86 25 5550 0110",
                "hours": "24/7",
            }
        ],
        headers=bearer(session, "admin"),
    ).raise_for_status()
    officer = bearer(session, "sh.officer")
    agency = client.get("/api/v1/agencies/320000", headers=officer)
    assert agency.status_code == 200
    assert agency.json()["contacts"][0]["phone"] == "+86 25 5550 0110"
    anonymous = client.get("/api/v1/agencies/320000")
    assert anonymous.json()["contacts"] == []

    refused = client.get("/api/v1/users", params={"agency": "320000"}, headers=officer)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["code"] == "permission_denied"
    assert "js.officer" not in refused.text
    assert client.get("/api/v1/users/js.officer", headers=officer).status_code == 403
    events = denials(session)
    assert [e.actor_username for e in events] == ["sh.officer", "sh.officer"]
    assert events[0].object_id == "GET /api/v1/users"
    assert events[0].detail
    assert events[0].detail["permission"] == "users.read"


def test_provincial_admin_manages_subordinate_agencies_only(
    client: TestClient, session: Session
) -> None:
    setup(session)
    admin = bearer(session, "zj.admin")
    desk = [
        {"kind": "duty_desk", "label_zh": "值班室", "phone": "+86 571 5550 0110", "hours": "24/7"}
    ]
    assert (
        client.put("/api/v1/agencies/330100/contacts", json=desk, headers=admin).status_code == 200
    )
    created = client.post(
        "/api/v1/users",
        json={
            "username": "hz.liaison",
            "display_name": "HZ",
            "agency": "330100",
            "roles": ["liaison"],
        },
        headers=admin,
    )
    assert created.status_code == 201
    assert created.json()["totp_secret"]
    for method, url, body in [
        ("PUT", "/api/v1/agencies/320000/contacts", desk),
        (
            "POST",
            "/api/v1/users",
            {"username": "js.x", "display_name": "X", "agency": "320000", "roles": ["officer"]},
        ),
        ("POST", "/api/v1/users/js.officer/deactivate", None),
    ]:
        response = client.request(method, url, json=body, headers=admin)
        assert response.status_code == 403, url
        assert response.headers["content-type"] == PROBLEM
    assert len(denials(session)) == 3
    listed = client.get("/api/v1/users", headers=admin).json()
    assert [u["username"] for u in listed] == ["hz.liaison", "zj.admin"]


def test_platform_admin_can_do_all(client: TestClient, session: Session) -> None:
    setup(session)
    admin = bearer(session, "admin")
    assert len(client.get("/api/v1/users", headers=admin).json()) == 4
    assert (
        client.post("/api/v1/users/js.officer/deactivate", headers=admin).json()["active"] is False
    )
    assert client.post("/api/v1/users/js.officer/activate", headers=admin).json()["active"] is True
    reset = client.post("/api/v1/users/js.officer/reset-totp", headers=admin).json()
    assert reset["totp_uri"].startswith("otpauth://totp/")
    assert denials(session) == []


def test_tokens_scopes_expiry_and_revocation(client: TestClient, session: Session) -> None:
    setup(session)
    narrow = bearer(session, "admin", "directory.read")
    assert client.get("/api/v1/me", headers=narrow).json()["scopes"] == ["directory.read"]
    assert client.get("/api/v1/users", headers=narrow).status_code == 403
    issued = client.post(
        "/api/v1/tokens",
        json={"name": "ops", "scopes": ["users.*"], "days": 1},
        headers=bearer(session, "admin"),
    ).json()
    wide = {"Authorization": f"Bearer {issued['token']}"}
    assert client.get("/api/v1/users", headers=wide).status_code == 200
    client.delete(f"/api/v1/tokens/{issued['details']['id']}", headers=wide).raise_for_status()
    gone = client.get("/api/v1/users", headers=wide)
    assert gone.status_code == 401
    assert gone.headers["content-type"] == PROBLEM
    assert (
        client.get("/api/v1/me", headers={"Authorization": "Bearer acc_forged"}).status_code == 401
    )


def test_bad_token_requests_name_the_field(client: TestClient, session: Session) -> None:
    setup(session)
    admin = bearer(session, "admin")
    for body, field in [
        ({"name": "x", "scopes": ["nope.read"]}, "scopes"),
        ({"name": "x", "scopes": ["users.read"], "days": 999}, "days"),
        ({"scopes": ["users.read"]}, "name"),
    ]:
        response = client.post("/api/v1/tokens", json=body, headers=admin)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field
