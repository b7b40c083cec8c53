"""The deadline sweep: reminders and escalations exactly once, even with two sweeps at once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from accord.core.clock import FrozenClock, use_clock
from accord.core.db import make_engine, make_sessionmaker
from accord.deadlines import service, sweep
from accord.deadlines.jobs import sweep_job
from accord.deadlines.models import SlaClock
from accord.deadlines.sweep import SweepResult
from accord.security.actor import Actor
from tests.deadlines.helpers import actions, count_events, cst, outbox, start
from tests.factories import make_named

H = timedelta(hours=1)


@pytest.fixture
def factory(fresh_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(fresh_database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    with use_clock(FrozenClock(cst(2026, 11, 23, 10))) as clock:
        assert isinstance(clock, FrozenClock)
        yield clock


def test_a_reminder_goes_once_to_the_owing_agencys_liaison(
    factory: sessionmaker[Session], frozen: FrozenClock
) -> None:
    with factory() as s:
        sh = make_named(s, "SH")["SH"]
        clock = start(s, sh, budget=8 * H, remind_before=2 * H)
    assert sweep.sweep(factory) == SweepResult(reminded=0, escalated=0)
    frozen.advance(6 * H)
    assert sweep.sweep(factory) == SweepResult(reminded=1, escalated=0)
    assert sweep.sweep(factory) == SweepResult(reminded=0, escalated=0)
    with factory() as s:
        [message] = outbox(s, "sla.reminder")
        assert message.recipients == {
            "users": [],
            "agencies": [str(sh.id)],
            "roles": ["liaison"],
        }
        assert message.dedupe_key == f"sla:{clock.id}:reminder"
        stored = s.get(SlaClock, clock.id)
        assert stored is not None
        assert stored.reminded_at == cst(2026, 11, 23, 16)
        assert stored.escalated_at is None
        assert actions(s, clock.id) == ["sla.started", "sla.reminded"]


def test_an_overdue_clock_escalates_once_to_the_parent_agency(
    factory: sessionmaker[Session], frozen: FrozenClock
) -> None:
    with factory() as s:
        named = make_named(s, "PD")
        pd, sh = named["PD"], named["SH"]
        clock = start(s, pd, budget=H, remind_before=timedelta(minutes=30))
    frozen.advance(2 * H)
    # Overdue before any sweep saw it: escalation only, no late "approaching" reminder.
    assert sweep.sweep(factory) == SweepResult(reminded=0, escalated=1)
    assert sweep.sweep(factory) == SweepResult(reminded=0, escalated=0)
    with factory() as s:
        stored = s.get(SlaClock, clock.id)
        assert stored is not None
        assert stored.escalated_at == cst(2026, 11, 23, 12)
        assert stored.escalated_to_agency_id == sh.id
        assert stored.escalated_to_zone_id is None
        assert stored.version == 2
        [message] = outbox(s, "sla.escalated")
        assert message.recipients["agencies"] == [str(sh.id)]
        assert message.recipients["roles"] == ["liaison", "commander"]
        assert "310115" in message.title
        assert outbox(s, "sla.reminder") == []
        assert actions(s, clock.id) == ["sla.started", "sla.escalated"]


def test_paused_and_stopped_clocks_are_left_alone(
    factory: sessionmaker[Session], frozen: FrozenClock
) -> None:
    with factory() as s:
        sh = make_named(s, "SH")["SH"]
        paused = start(s, sh, budget=H)
        stopped = start(s, sh, budget=H)
        service.pause_clock(s, Actor.system("t"), paused, reason="waiting")
        service.stop_clock(s, Actor.system("t"), stopped)
        s.commit()
    frozen.advance(5 * H)
    assert sweep.sweep(factory) == SweepResult(reminded=0, escalated=0)


def test_without_a_parent_the_zone_secretariat_then_the_platform(
    factory: sessionmaker[Session], frozen: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    zone_id = uuid.uuid4()
    secretary = uuid.uuid4()
    with factory() as s:
        named = make_named(s, "HAN", "MPS")
        han, mps = named["HAN"], named["MPS"]
        foreign = start(s, han, budget=H)
        ministry = start(s, mps, budget=H)
    monkeypatch.setattr(
        sweep,
        "ZONE_SECRETARIAT_RESOLVERS",
        [lambda _s, agency_id: zone_id if agency_id == han.id else None],
    )
    monkeypatch.setattr(sweep, "ZONE_SECRETARIAT_USERS", [lambda _s, z: [secretary]])
    frozen.advance(2 * H)
    assert sweep.sweep(factory).escalated == 2
    with factory() as s:
        to_zone = s.get(SlaClock, foreign.id)
        to_platform = s.get(SlaClock, ministry.id)
        assert to_zone is not None
        assert to_platform is not None
        assert (to_zone.escalated_to_zone_id, to_zone.escalated_to_agency_id) == (zone_id, None)
        assert to_platform.escalated_at is not None
        assert (to_platform.escalated_to_zone_id, to_platform.escalated_to_agency_id) == (
            None,
            None,
        )
        messages = {m.data["clock_id"]: m for m in outbox(s, "sla.escalated") if m.data}
        assert messages[str(foreign.id)].recipients["users"] == [str(secretary)]
        zone_data = messages[str(foreign.id)].data
        assert zone_data is not None
        assert zone_data["zone_id"] == str(zone_id)
        platform = messages[str(ministry.id)]
        assert platform.recipients == {"users": [], "agencies": [], "roles": ["platform_admin"]}
        assert platform.data is not None
        assert platform.data["why"] == "no parent agency or zone"


def test_one_failing_clock_does_not_stop_the_sweep_and_is_retried(
    factory: sessionmaker[Session], frozen: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with factory() as s:
        named = make_named(s, "HAN", "SH")
        broken = start(s, named["HAN"], budget=H)
        fine = start(s, named["SH"], budget=H)

    def resolver(_s: Session, _agency: uuid.UUID) -> uuid.UUID | None:
        raise RuntimeError("zone directory down")

    monkeypatch.setattr(sweep, "ZONE_SECRETARIAT_RESOLVERS", [resolver])
    frozen.advance(2 * H)
    assert sweep.sweep(factory).escalated == 1
    with factory() as s:
        failed = s.get(SlaClock, broken.id)
        assert failed is not None
        assert failed.escalated_at is None  # its claim rolled back with the failure
        assert actions(s, broken.id) == ["sla.started"]
        assert actions(s, fine.id) == ["sla.started", "sla.escalated"]
    monkeypatch.setattr(sweep, "ZONE_SECRETARIAT_RESOLVERS", [])
    assert sweep_job(factory) == 1
    assert sweep_job(factory) == 0


def test_two_concurrent_sweeps_escalate_each_clock_exactly_once(
    factory: sessionmaker[Session], frozen: FrozenClock
) -> None:
    """Two sweeps on two connections, released together by a barrier, over the same
    overdue clocks: every clock gets one escalation, one audit event, one outbox row."""
    with factory() as s:
        named = make_named(s, "PD", "HZ", "LJZ")
        clocks = [
            start(s, named[name], budget=H, remind_before=timedelta(minutes=10))
            for name in ("PD", "HZ", "LJZ", "PD", "HZ", "LJZ")
        ]
    frozen.advance(3 * H)
    barrier = threading.Barrier(2)
    results: list[SweepResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(sweep.sweep(factory))
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sum(r.escalated for r in results) == len(clocks)
    with factory() as s:
        assert count_events(s, "sla.escalated") == len(clocks)
        escalations = outbox(s, "sla.escalated")
        assert sorted(m.dedupe_key or "" for m in escalations) == sorted(
            f"sla:{c.id}:escalation" for c in clocks
        )
        for c in clocks:
            stored = s.get(SlaClock, c.id)
            assert stored is not None
            assert stored.escalated_at is not None
            assert actions(s, c.id) == ["sla.started", "sla.escalated"]
    assert sweep.sweep(factory) == SweepResult(reminded=0, escalated=0)
