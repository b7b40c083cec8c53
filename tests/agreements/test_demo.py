"""The demo agreements: one per demo zone, idempotent, YRD published with a draft amendment,
NW in force but not published."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from accord import demo
from accord.agencies import service as agencies_service
from accord.core.clock import FrozenClock
from accord.security.actor import Actor
from accord.zones import service as zones_service
from accord.zones.agreements import service
from accord.zones.agreements.demo import load_demo
from accord.zones.agreements.transitions import AgreementStatus
from accord.zones.sharing import ShareMode, rule_for


def test_demo_agreements(session: Session, frozen_clock: FrozenClock) -> None:
    agencies_service.import_lines(session, demo.demo_agency_lines())
    loader = Actor.system("demo-loader")
    for code, name_zh, name_en, founded, fields, members, _months in demo.DEMO_ZONES:
        zones_service.create_zone(
            session,
            loader,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            fields=fields,
            founded_on=date.fromisoformat(founded),
            members=members,
            secretariat=members[0],
        )
    session.commit()
    assert load_demo(session, loader) == 4
    session.commit()
    assert load_demo(session, loader) == 0

    statuses = {}
    for code in ("YRD", "JJJ", "NW", "ASEAN3"):
        zone = zones_service.get_zone(session, code)
        (agreement,) = service.list_for_zone(session, zone)
        first = agreement.versions[0]
        assert first.status == AgreementStatus.IN_FORCE
        assert {s.agency_id for s in first.signatures} == {m.agency_id for m in zone.members}
        assert {s.signed_by for s in first.signatures} == {"demo-loader"}
        assert first.signed_on == zone.founded_on
        statuses[code] = [(v.status.value, v.public) for v in agreement.versions]
    assert statuses == {
        "YRD": [("in_force", True), ("draft", True)],
        "JJJ": [("in_force", True)],
        "NW": [("in_force", False)],
        "ASEAN3": [("in_force", True)],
    }
    published = {v.agreement.zone.code for v in service.public_versions(session)}
    assert published == {"YRD", "JJJ", "ASEAN3"}
    yrd = zones_service.get_zone(session, "YRD")
    pudong = agencies_service.get_by_code(session, "310115")
    assert rule_for(session, yrd.id, "alert.wanted_arrest", pudong.id).mode == ShareMode.FULL
    assert rule_for(session, yrd.id, "record.Person", pudong.id).mode == ShareMode.FULL
    # Vehicles are shared hit/no-hit among the members only, not with the agencies below them.
    assert rule_for(session, yrd.id, "record.Vehicle", pudong.id).mode == ShareMode.NONE
