"""SLA clocks: wall and business budgets, pause and resume across a public holiday, stop."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.core.clock import FrozenClock, use_clock
from accord.deadlines import service
from accord.deadlines.models import ClockPolicy, DayKind, SlaClock
from accord.deadlines.service import InvalidSlaClock
from accord.deadlines.transitions import SlaStatus
from accord.deadlines.work import open_clocks_for
from accord.security.actor import Actor, Role
from tests.deadlines.helpers import actions, cst, start
from tests.factories import make_actor, make_named

H = timedelta(hours=1)
SYSTEM = Actor.system("test")


@pytest.fixture
def sh(session: Session) -> Agency:
    return make_named(session, "SH")["SH"]


@pytest.fixture
def calendar_loaded(session: Session) -> None:
    service.load_calendar(session, service.shipped_calendar_lines())
    session.commit()


@pytest.fixture
def clock_at() -> Iterator[FrozenClock]:
    """A frozen clock the test sets: the day before National Day 2026, 10:00 in Shanghai."""
    with use_clock(FrozenClock(cst(2026, 9, 30, 10))) as frozen:
        assert isinstance(frozen, FrozenClock)
        yield frozen


def test_a_wall_clock_is_due_after_its_hours(
    session: Session, sh: Agency, clock_at: FrozenClock
) -> None:
    clock = start(session, sh, budget=8 * H, remind_before=H)
    assert clock.status is SlaStatus.RUNNING
    assert clock.due_at == cst(2026, 9, 30, 18)
    assert clock.remind_at == cst(2026, 9, 30, 17)
    assert clock.budget_seconds == 8 * 3600
    assert service.remaining(clock) == 8 * H
    clock_at.advance(9 * H)
    assert service.remaining(clock) == -H


def test_business_clock_paused_and_resumed_across_national_day(
    session: Session, sh: Agency, calendar_loaded: None, clock_at: FrozenClock
) -> None:
    """Started Wed Sep 30 2026 10:00 with 3 business days: Oct 1-7 are off, Oct 8 and 9
    worked, Sat Oct 10 a make-up day, so due Oct 10 10:00. Paused at 16:00 on Sep 30 and
    resumed at 12:00 on Oct 8, the pause cost 8 h + 12 h of business time, not eight days."""
    cal = service.business_calendar(session)
    clock = start(
        session, sh, policy=ClockPolicy.BUSINESS, budget=3, remind_before=timedelta(days=1)
    )
    assert clock.due_at == cst(2026, 10, 10, 10)
    assert clock.remind_at == cst(2026, 10, 9, 10)
    assert service.remaining(clock, cal=cal) == 72 * H

    clock_at.advance(6 * H)  # Sep 30 16:00
    service.pause_clock(session, SYSTEM, clock, reason="waiting for the requester's documents")
    session.commit()
    assert clock.status is SlaStatus.PAUSED
    assert clock.paused_at == cst(2026, 9, 30, 16)
    left = service.remaining(clock, cal=cal)
    assert left == 66 * H

    clock_at.advance(timedelta(days=7, hours=20))  # Oct 8 12:00, through the holiday
    assert service.remaining(clock, cal=cal) == left  # frozen while paused
    service.resume_clock(session, SYSTEM, clock, reason="documents received")
    session.commit()
    assert str(clock.status) == "running"  # (mypy narrowed the status to PAUSED above)
    assert clock.paused_at is None
    assert clock.paused_total_seconds == 20 * 3600
    # 66 h from Oct 8 12:00: 12 h on the 8th, the 9th, the 10th (Sat, worked), 6 h on Mon 12th.
    assert clock.due_at == cst(2026, 10, 12, 6)
    assert clock.remind_at == cst(2026, 10, 10, 6)
    assert service.remaining(clock, cal=cal) == left
    assert clock.version == 3
    assert actions(session, clock.id) == ["sla.started", "sla.paused", "sla.resumed"]


def test_wall_clock_pause_moves_the_deadline_by_the_wall_time(
    session: Session, sh: Agency, clock_at: FrozenClock
) -> None:
    clock = start(session, sh, budget=10 * H)
    clock_at.advance(2 * H)
    service.pause_clock(session, SYSTEM, clock, reason="on hold")
    clock_at.advance(timedelta(days=3))
    service.resume_clock(session, SYSTEM, clock)
    session.commit()
    assert clock.due_at == cst(2026, 9, 30, 20) + timedelta(days=3)
    assert service.remaining(clock) == 8 * H


def test_stopping_keeps_the_time_left_and_says_if_on_time(
    session: Session, sh: Agency, clock_at: FrozenClock
) -> None:
    clock = start(session, sh, budget=4 * H)
    clock_at.advance(H)
    service.pause_clock(session, SYSTEM, clock, reason="on hold")
    clock_at.advance(10 * H)
    service.stop_clock(session, SYSTEM, clock, reason="done")
    session.commit()
    assert clock.status is SlaStatus.STOPPED
    assert clock.stopped_at == cst(2026, 9, 30, 21)
    assert clock.paused_at is None
    assert service.remaining(clock) == 3 * H
    clock_at.advance(timedelta(days=5))
    assert service.remaining(clock) == 3 * H
    assert actions(session, clock.id) == ["sla.started", "sla.paused", "sla.stopped"]


@pytest.mark.parametrize(
    ("policy", "budget", "remind_before", "field"),
    [
        (ClockPolicy.WALL, 3, None, "budget"),
        (ClockPolicy.WALL, timedelta(0), None, "budget"),
        (ClockPolicy.WALL, timedelta(days=400), None, "budget"),
        (ClockPolicy.BUSINESS, timedelta(days=1), None, "budget"),
        (ClockPolicy.BUSINESS, 0, None, "budget"),
        (ClockPolicy.WALL, timedelta(hours=2), timedelta(hours=2), "remind_before"),
        (ClockPolicy.BUSINESS, 1, timedelta(days=1), "remind_before"),
        (ClockPolicy.WALL, timedelta(hours=2), -H, "remind_before"),
    ],
)
def test_a_bad_clock_is_refused_naming_the_field_and_nothing_is_written(
    session: Session,
    sh: Agency,
    policy: ClockPolicy,
    budget: timedelta | int,
    remind_before: timedelta | None,
    field: str,
) -> None:
    with pytest.raises(InvalidSlaClock) as caught:
        service.start_clock(
            session,
            SYSTEM,
            object_type="assistance_request",
            object_id=uuid.uuid4(),
            agency_id=sh.id,
            policy=policy,
            budget=budget,
            remind_before=remind_before,
        )
    assert caught.value.status == 422
    assert caught.value.field == field
    assert session.scalar(select(func.count()).select_from(SlaClock)) == 0


def test_an_unknown_agency_or_a_blank_reason_is_refused(session: Session, sh: Agency) -> None:
    with pytest.raises(InvalidSlaClock) as caught:
        service.start_clock(
            session,
            SYSTEM,
            object_type="assistance_request",
            object_id=uuid.uuid4(),
            agency_id=uuid.uuid4(),
            policy=ClockPolicy.WALL,
            budget=H,
        )
    assert caught.value.field == "agency_id"
    clock = start(session, sh)
    with pytest.raises(InvalidSlaClock) as blank:
        service.pause_clock(session, SYSTEM, clock, reason="  ")
    assert blank.value.field == "reason"
    assert clock.status is SlaStatus.RUNNING


def test_a_calendar_change_moves_open_business_deadlines(
    session: Session, sh: Agency, calendar_loaded: None, clock_at: FrozenClock
) -> None:
    clock = start(session, sh, policy=ClockPolicy.BUSINESS, budget=3)
    assert clock.due_at == cst(2026, 10, 10, 10)
    admin = make_actor(None, Role.PLATFORM_ADMIN, username="admin")
    service.set_day(session, admin, day=date(2026, 10, 9), kind=DayKind.HOLIDAY)
    session.commit()
    session.refresh(clock)
    assert clock.due_at == cst(2026, 10, 12, 10)  # Oct 9 now off: one more working day
    assert clock.version == 2
    service.unset_day(session, admin, day=date(2026, 10, 9))
    session.commit()
    session.refresh(clock)
    assert clock.due_at == cst(2026, 10, 10, 10)
    assert clock.version == 3


def test_my_open_clocks_are_my_agencys_soonest_first(
    session: Session, clock_at: FrozenClock
) -> None:
    named = make_named(session, "SH", "JS")
    later = start(session, named["SH"], budget=8 * H)
    sooner = start(session, named["SH"], budget=2 * H)
    start(session, named["JS"], budget=H)
    stopped = start(session, named["SH"], budget=H)
    service.stop_clock(session, SYSTEM, stopped)
    session.commit()
    liaison = make_actor(named["SH"], Role.LIAISON)
    items = open_clocks_for(session, liaison)
    assert [i.clock_id for i in items] == [sooner.id, later.id]
    assert items[0].object_type == "assistance_request"
    assert items[0].status is SlaStatus.RUNNING
    assert open_clocks_for(session, make_actor(None, Role.PLATFORM_ADMIN)) == []
