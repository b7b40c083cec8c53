import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.core.errors import Conflict, InvalidInput
from accord.security import policy, service, sessions, tokens
from accord.security.actor import Actor, Role
from accord.security.models import User
from accord.security.passwords import WeakPassword
from tests.factories import PASSWORD, make_actor, make_named, make_user


def users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def test_create_user_with_totp_for_personal_data_roles(session: Session) -> None:
    make_named(session, "SH")
    officer = make_user(session, "sh.officer", "310000", Role.OFFICER)
    admin = make_user(session, "sh.admin", "310000", Role.AGENCY_ADMIN)
    assert officer.totp_secret is not None
    assert len(officer.totp_secret) >= 16
    assert admin.totp_secret is None
    assert service.needs_second_factor(officer.user)
    assert not service.needs_second_factor(admin.user)
    assert officer.user.password_hash.startswith("$argon2id$")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create")).first()
    assert event is not None


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"username": "X"}, InvalidInput, "username"),
        ({"username": "has space"}, InvalidInput, "username"),
        ({"display_name": " "}, InvalidInput, "display_name"),
        ({"password": "short"}, WeakPassword, "password"),
        ({"password": "zz.userzz-long-enough"}, WeakPassword, "password"),
        ({"password": "aaaaaaaaaaaa"}, WeakPassword, "password"),
        ({"locale": "fr"}, InvalidInput, "locale"),
    ],
)
def test_bad_new_user_is_refused_and_nothing_stored(
    session: Session, fields: dict[str, str], error: type[Exception], field: str
) -> None:
    make_named(session, "SH")
    before = users(session)
    values = {
        "username": "zz.user",
        "display_name": "Z",
        "agency_code": "310000",
        "password": PASSWORD,
        "roles": [Role.OFFICER],
        "locale": "zh",
    }
    values.update(fields)
    with pytest.raises(error) as refused:
        service.create_user(session, Actor.system(), **values)  # type: ignore[arg-type]
    assert getattr(refused.value, "field", None) == field
    session.rollback()
    assert users(session) == before


def test_duplicate_username_is_a_conflict(session: Session) -> None:
    make_named(session, "SH")
    make_user(session, "sh.officer", "310000", Role.OFFICER)
    with pytest.raises(Conflict):
        make_user(session, "SH.Officer", "310000", Role.OFFICER)


def test_provincial_admin_manages_its_subordinates_only(session: Session) -> None:
    a = make_named(session)
    zj_admin = make_actor(a["ZJ"], Role.AGENCY_ADMIN, include_subordinates=True)
    created = service.create_user(
        session,
        zj_admin,
        username="hz.officer",
        display_name="HZ",
        agency_code="330100",
        password=PASSWORD,
        roles=[Role.OFFICER],
    )
    assert created.user.agency.code == "330100"
    with pytest.raises(policy.PermissionDenied):
        service.create_user(
            session,
            zj_admin,
            username="js.officer",
            display_name="JS",
            agency_code="320000",
            password=PASSWORD,
            roles=[Role.OFFICER],
        )
    with pytest.raises(policy.PermissionDenied):
        service.grant_role(
            session, zj_admin, username="hz.officer", role=Role.LIAISON, agency_code="320000"
        )
    with pytest.raises(policy.PermissionDenied):
        service.grant_role(session, zj_admin, username="hz.officer", role=Role.PLATFORM_ADMIN)
    assert [u.username for u in service.list_users(session, zj_admin)] == ["hz.officer"]


def test_platform_admin_manages_everyone(session: Session) -> None:
    a = make_named(session)
    platform = make_actor(a["MPS"], Role.PLATFORM_ADMIN)
    for code, name in (("310000", "sh.x"), ("320000", "js.x"), ("VN-HAN", "han.x")):
        service.create_user(
            session,
            platform,
            username=name,
            display_name=name,
            agency_code=code,
            password=PASSWORD,
            roles=[Role.LIAISON],
        )
    service.grant_role(session, platform, username="js.x", role=Role.PLATFORM_ADMIN)
    assert {u.username for u in service.list_users(session, platform)} == {"sh.x", "js.x", "han.x"}


def test_zone_roles_need_a_zone(session: Session) -> None:
    make_named(session, "SH")
    make_user(session, "sh.dir", "310000", Role.OFFICER)
    with pytest.raises(InvalidInput):
        service.grant_role(session, Actor.system(), username="sh.dir", role=Role.DIRECTOR)
    with pytest.raises(InvalidInput):
        service.grant_role(
            session,
            Actor.system(),
            username="sh.dir",
            role=Role.OFFICER,
            zone_id=__import__("uuid").uuid4(),
        )


def test_deactivation_ends_sessions_and_tokens(session: Session) -> None:
    make_named(session, "SH")
    make_user(session, "sh.admin", "310000", Role.AGENCY_ADMIN)
    opened = sessions.sign_in(
        session, username="sh.admin", password=PASSWORD, client_addr=None, user_agent=None
    )
    actor = service.actor_for(opened.web_session.user, via="test")
    issued = tokens.create(session, actor, username="sh.admin", name="t", scopes=["directory.read"])
    assert sessions.resolve(session, opened.token) is not None
    service.set_active(session, Actor.system(), username="sh.admin", active=False)
    assert sessions.resolve(session, opened.token) is None
    assert tokens.resolve(session, issued.token) is None
    with pytest.raises(sessions.LoginFailed):
        sessions.sign_in(
            session, username="sh.admin", password=PASSWORD, client_addr=None, user_agent=None
        )


def test_recipients_by_user_agency_and_role(session: Session) -> None:
    a = make_named(session, "SH", "JS")
    liaison = make_user(session, "sh.liaison", "310000", Role.LIAISON)
    officer = make_user(session, "sh.officer", "310000", Role.OFFICER)
    js = make_user(session, "js.liaison", "320000", Role.LIAISON)
    found = service.recipients(
        session, user_ids=[js.user.id], agency_ids=[a["SH"].id], roles=[Role.LIAISON]
    )
    assert [r.username for r in found] == ["js.liaison", "sh.liaison"]
    everyone = service.recipients(session, user_ids=[], agency_ids=[a["SH"].id], roles=[])
    assert {r.username for r in everyone} == {"sh.liaison", "sh.officer"}
    service.set_active(session, Actor.system(), username="sh.officer", active=False)
    assert officer.user.username not in {
        r.username
        for r in service.recipients(session, user_ids=[officer.user.id], agency_ids=[], roles=[])
    }
    assert liaison.user.email == "sh.liaison@example.gov.cn"
