"""An overdue deadline owed by a foreign police force escalates to its zone's secretariat."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from accord import wiring
from accord.core.clock import FrozenClock, use_clock
from accord.core.db import make_engine, make_sessionmaker
from accord.deadlines import service as deadlines
from accord.deadlines import sweep
from accord.deadlines.models import ClockPolicy, SlaClock
from accord.notify.models import OutboxMessage
from accord.security import service as security_service
from accord.security.actor import Actor, Role
from accord.zones import service as zones
from tests.factories import make_named, make_user


def test_foreign_police_deadline_escalates_to_the_zone_secretariat(fresh_database_url: str) -> None:
    wiring.wire()
    engine = make_engine(fresh_database_url)
    factory = make_sessionmaker(engine, writes=True)
    system = Actor.system("test")
    start = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    with use_clock(FrozenClock(start)), factory() as session:
        named = make_named(session, "HAN")
        make_named(session, "SH")
        zones.create_zone(
            session,
            system,
            code="ASEAN3",
            name_zh="首都警察",
            name_en="Capital police",
            fields=["drugs"],
            founded_on=date(2018, 11, 1),
            members=["VN-HAN", "310000"],
            secretariat="310000",
        )
        make_user(session, "asean.sec", "310000", Role.LIAISON)
        zone = zones.get_zone(session, "ASEAN3")
        security_service.grant_role(
            session, system, username="asean.sec", role=Role.SECRETARIAT, zone_id=zone.id
        )
        clock = deadlines.start_clock(
            session,
            system,
            object_type="assistance_request",
            object_id=named["HAN"].id,
            agency_id=named["HAN"].id,
            policy=ClockPolicy.WALL,
            budget=timedelta(hours=8),
        )
        session.commit()
        clock_id, zone_id = clock.id, zone.id
        secretary = security_service.get_user(session, "asean.sec").id
    result = sweep.sweep(factory, now=start + timedelta(hours=9))
    assert result.escalated == 1
    with factory() as session:
        stored = session.get(SlaClock, clock_id)
        assert stored is not None
        assert stored.escalated_to_zone_id == zone_id
        assert stored.escalated_to_agency_id is None
        notes = session.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "sla.escalated")
        ).all()
        assert len(notes) == 1
        assert notes[0].recipients["users"] == [str(secretary)]
    engine.dispose()
