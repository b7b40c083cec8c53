import pytest
from sqlalchemy.orm import Session

from accord.security import policy
from accord.security.actor import Actor, Role
from tests.factories import make_actor, make_named


def test_permissions_follow_roles(session: Session) -> None:
    a = make_named(session, "SH")
    officer = make_actor(a["SH"], Role.OFFICER)
    admin = make_actor(a["SH"], Role.AGENCY_ADMIN)
    assert policy.allows(officer, "directory.read")
    assert not policy.allows(officer, "users.read")
    assert policy.allows(admin, "users.manage")
    assert policy.allows(Actor.system(), "audit.read")
    with pytest.raises(policy.PermissionDenied) as refused:
        policy.require(officer, "users.manage")
    assert refused.value.status == 403
    assert refused.value.actor is officer


def test_scope_with_and_without_subordinates(session: Session) -> None:
    a = make_named(session)
    own = make_actor(a["ZJ"], Role.AGENCY_ADMIN)
    below = make_actor(a["ZJ"], Role.AGENCY_ADMIN, include_subordinates=True)
    platform = make_actor(a["MPS"], Role.PLATFORM_ADMIN)
    assert policy.agencies_in_scope(session, own, "users.manage") == {a["ZJ"].id}
    assert policy.agencies_in_scope(session, below, "users.manage") == {a["ZJ"].id, a["HZ"].id}
    assert policy.agencies_in_scope(session, platform, "users.manage") is policy.ALL
    policy.require_agency(session, below, "users.manage", a["HZ"].id)
    with pytest.raises(policy.PermissionDenied):
        policy.require_agency(session, below, "users.manage", a["JS"].id)
    with pytest.raises(policy.PermissionDenied):
        policy.require_agency(session, own, "users.manage", a["HZ"].id)


def test_token_scopes_narrow_the_roles(session: Session) -> None:
    a = make_named(session, "SH")
    scoped = make_actor(a["SH"], Role.AGENCY_ADMIN, scopes=frozenset({"directory.read"}))
    assert policy.allows(scoped, "directory.read")
    assert not policy.allows(scoped, "users.read")
    assert policy.agencies_in_scope(session, scoped, "users.read") == set()
    wide = make_actor(a["SH"], Role.AGENCY_ADMIN, scopes=frozenset({"users.*"}))
    assert policy.allows(wide, "users.manage")


def test_unknown_permission_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown permission"):
        policy.roles_for("users.frobnicate")
