from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock, use_clock
from accord.core.errors import Conflict, InvalidInput
from accord.notify.models import OutboxMessage
from accord.security import policy
from accord.security.actor import Actor, Role
from accord.zones import service
from accord.zones.service import NotAMember, OverlappingTerms
from tests.factories import make_actor, make_named
from tests.zones.helpers import make_yrd

SYSTEM = Actor.system("test")


def test_a_subordinate_acts_under_its_provinces_zone(session: Session) -> None:
    zone = make_yrd(session)
    named = make_named(session, "PD", "LJZ", "HAN")
    today = date(2026, 11, 23)
    assert service.member_for(session, zone, named["LJZ"].id, today).agency.code == "310000"  # type: ignore[union-attr]
    assert [z.code for z in service.zones_for_agency(session, named["PD"].id, today)] == ["YRD"]
    assert service.zones_for_agency(session, named["HAN"].id, today) == []


def test_a_member_that_leaves_keeps_its_history(session: Session) -> None:
    zone = make_yrd(session)
    ah = make_named(session, "AH")["AH"]
    service.leave(session, SYSTEM, zone, "340000", on=date(2026, 7, 1))
    assert service.member_for(session, zone, ah.id, date(2026, 6, 30)) is not None
    assert service.member_for(session, zone, ah.id, date(2026, 7, 1)) is None
    assert len(zone.members) == 4  # the row stays, closed
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "zone.leave")).one()
    with pytest.raises(NotAMember):
        service.leave(session, SYSTEM, zone, "340000", on=date(2026, 8, 1))
    service.join(session, SYSTEM, zone, "340000", on=date(2026, 9, 1))
    assert service.member_for(session, zone, ah.id, date(2026, 9, 1)) is not None


def test_bad_zone_input_changes_nothing(session: Session) -> None:
    make_named(session, "SH", "JS")
    for fields, error in [
        ({"code": "Y R D"}, InvalidInput),
        ({"fields": ["astrology"]}, InvalidInput),
        ({"members": ["310000"]}, InvalidInput),
        ({"secretariat": "320000", "members": ["310000", "MPS"]}, NotAMember),
        ({"chair_term_months": 0}, InvalidInput),
    ]:
        values = {
            "code": "T1",
            "name_zh": "测",
            "name_en": "T",
            "fields": ["intelligence"],
            "founded_on": date(2020, 1, 1),
            "members": ["310000", "320000"],
            "secretariat": "310000",
        }
        values.update(fields)
        with pytest.raises(error):
            service.create_zone(session, SYSTEM, **values)  # type: ignore[arg-type]
        session.rollback()
    assert service.list_zones(session) == []


def test_chair_terms_may_not_overlap(session: Session) -> None:
    zone = make_yrd(session)
    service.set_chair_term(
        session, SYSTEM, zone, "310000", starts_on=date(2025, 1, 1), ends_on=date(2026, 1, 1)
    )
    with pytest.raises(OverlappingTerms):
        service.set_chair_term(
            session, SYSTEM, zone, "320000", starts_on=date(2025, 6, 1), ends_on=date(2026, 6, 1)
        )
    with pytest.raises(NotAMember):
        service.set_chair_term(
            session,
            SYSTEM,
            zone,
            "110000" if False else "330100",
            starts_on=date(2026, 1, 1),
            ends_on=date(2027, 1, 1),
        )
    assert len(service.chair_terms(session, zone)) == 1


def test_the_chair_rotates_at_term_end_exactly_once(session: Session) -> None:
    zone = make_yrd(session)
    service.set_chair_term(
        session, SYSTEM, zone, "310000", starts_on=date(2025, 1, 1), ends_on=date(2026, 1, 1)
    )
    session.commit()
    with use_clock(FrozenClock(datetime(2025, 12, 31, 15, 59, tzinfo=UTC))):  # 23:59 in Shanghai
        assert service.rotate_chair(session, SYSTEM, zone) is None
    with use_clock(FrozenClock(datetime(2025, 12, 31, 16, 0, tzinfo=UTC))):  # 00:00 on 1 January
        new = service.rotate_chair(session, SYSTEM, zone)
        assert new is not None
        assert (new.agency.code, new.starts_on, new.ends_on) == (
            "320000",
            date(2026, 1, 1),
            date(2027, 1, 1),
        )
        assert zone.secretariat.code == "320000"
        assert service.rotate_chair(session, SYSTEM, zone) is None  # run twice: nothing more
    notes = session.scalars(
        select(OutboxMessage).where(OutboxMessage.event == "zone.chair_rotated")
    ).all()
    assert len(notes) == 1
    history = [(t.agency.code, t.starts_on.year) for t in service.chair_terms(session, zone)]
    assert history == [("310000", 2025), ("320000", 2026)]


def test_rotation_skips_a_member_that_left_and_catches_up(session: Session) -> None:
    zone = make_yrd(session, term_months=6, follows=False)
    service.set_chair_term(
        session, SYSTEM, zone, "310000", starts_on=date(2025, 1, 1), ends_on=date(2025, 7, 1)
    )
    service.leave(session, SYSTEM, zone, "320000", on=date(2025, 3, 1))
    with use_clock(FrozenClock(datetime(2026, 2, 1, tzinfo=UTC))):
        new = service.rotate_chair(session, SYSTEM, zone)
    assert new is not None
    assert [(t.agency.code, str(t.starts_on)) for t in service.chair_terms(session, zone)] == [
        ("310000", "2025-01-01"),
        ("330000", "2025-07-01"),
        ("340000", "2026-01-01"),
    ]
    assert zone.secretariat.code == "310000"  # this zone keeps its secretariat


def test_zone_roles_and_member_roles_in_the_policy(session: Session) -> None:
    zone = make_yrd(session)
    named = make_named(session, "SH", "ZJ", "HZ", "HAN")
    secretariat = make_actor(named["SH"], Role.SECRETARIAT, zone_id=zone.id)
    other_zone = make_actor(named["SH"], Role.SECRETARIAT, zone_id=named["HAN"].id)
    liaison = make_actor(named["ZJ"], Role.LIAISON)
    city = make_actor(named["HZ"], Role.LIAISON)
    foreign = make_actor(named["HAN"], Role.LIAISON)
    policy.require_zone(session, secretariat, "zones.manage", zone.id)
    for actor in (other_zone, liaison):
        with pytest.raises(policy.PermissionDenied):
            policy.require_zone(session, actor, "zones.manage", zone.id)
    policy.require_zone(session, liaison, "agenda.submit", zone.id)
    policy.require_zone(session, city, "commands.update", zone.id, agency_id=named["HZ"].id)
    with pytest.raises(policy.PermissionDenied):
        policy.require_zone(session, city, "commands.update", zone.id, agency_id=named["ZJ"].id)
    with pytest.raises(policy.PermissionDenied):
        policy.require_zone(session, foreign, "agenda.submit", zone.id)
    director = make_actor(named["ZJ"], Role.DIRECTOR, zone_id=zone.id)
    policy.require_zone(session, director, "agreements.sign", zone.id, agency_id=named["ZJ"].id)
    with pytest.raises(policy.PermissionDenied):
        policy.require_zone(session, director, "agreements.sign", zone.id, agency_id=named["SH"].id)


def test_join_twice_is_a_conflict(session: Session) -> None:
    zone = make_yrd(session)
    with pytest.raises(Conflict):
        service.join(session, SYSTEM, zone, "310000", on=date(2026, 1, 1))


def test_the_leading_group_has_one_director_per_member(session: Session) -> None:
    from accord.core.errors import Conflict as AnyConflict
    from accord.security import service as security_service
    from accord.security.service import InvalidGrant
    from tests.factories import make_user

    zone = make_yrd(session)
    make_named(session, "HAN")
    for username, code in (
        ("zj.dir", "330000"),
        ("zj.dir2", "330000"),
        ("hz.dep", "330100"),
        ("han.x", "VN-HAN"),
    ):
        make_user(session, username, code, Role.COMMANDER)
    security_service.grant_role(
        session, SYSTEM, username="zj.dir", role=Role.DIRECTOR, zone_id=zone.id
    )
    security_service.grant_role(
        session, SYSTEM, username="hz.dep", role=Role.DEPUTY_DIRECTOR, zone_id=zone.id
    )
    with pytest.raises(AnyConflict, match="already has a director"):
        security_service.grant_role(
            session, SYSTEM, username="zj.dir2", role=Role.DIRECTOR, zone_id=zone.id
        )
    with pytest.raises(InvalidGrant, match="not a member"):
        security_service.grant_role(
            session, SYSTEM, username="han.x", role=Role.DIRECTOR, zone_id=zone.id
        )
    assert service.leading_group(session, zone) == [
        ("director", "zj.dir", "Zj.Dir", "330000"),
        ("deputy_director", "hz.dep", "Hz.Dep", "330000"),
    ]
