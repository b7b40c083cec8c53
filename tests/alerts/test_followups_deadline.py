"""Hit follow-ups under a frozen clock on a database of their own: the confirmation deadline,
its reminder and its escalation by the kernel's sweep, and two liaisons claiming at once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from accord.alerts import followups
from accord.alerts.followup_models import HitFollowUp
from accord.alerts.followup_transitions import FollowUpStatus
from accord.core.clock import FrozenClock, use_clock
from accord.core.db import make_engine, make_sessionmaker
from accord.core.errors import Conflict
from accord.core.workflow import StaleState
from accord.deadlines import sweep
from accord.deadlines.models import SlaClock
from accord.deadlines.sweep import SweepResult
from tests.alerts.test_followups_factory import Scene, actions_on, make_scene, outbox, reported

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def factory(fresh_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(fresh_database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    with use_clock(FrozenClock(START)) as clock:
        assert isinstance(clock, FrozenClock)
        yield clock


def _reported(factory: sessionmaker[Session]) -> tuple[Scene, uuid.UUID, str]:
    with factory() as s:
        scene = make_scene(s)
        _, _, f = reported(s, scene)
        return scene, f.id, f.reference


def test_an_unanswered_urgent_hit_is_reminded_then_escalated_to_the_issuers_parent(
    factory: sessionmaker[Session], frozen: FrozenClock
) -> None:
    scene, followup_id, reference = _reported(factory)
    frozen.advance(timedelta(minutes=4))
    assert sweep.sweep(factory) == SweepResult(reminded=0, escalated=0)
    frozen.advance(timedelta(minutes=2))  # 5 minutes before the deadline have passed
    assert sweep.sweep(factory) == SweepResult(reminded=1, escalated=0)
    frozen.advance(timedelta(minutes=5))  # 11 minutes: past the 10-minute deadline
    assert sweep.sweep(factory) == SweepResult(reminded=0, escalated=1)
    assert sweep.sweep(factory) == SweepResult(reminded=0, escalated=0)
    with factory() as s:
        [reminder] = outbox(s, "sla.reminder")
        assert reminder.recipients["agencies"] == [str(scene.agencies["JS"].id)]
        assert reminder.reference == reference
        [escalation] = outbox(s, "sla.escalated")
        assert escalation.recipients["agencies"] == [str(scene.agencies["MPS"].id)]
        assert escalation.recipients["roles"] == ["liaison", "commander"]
        assert escalation.reference == reference
        assert "320000" in escalation.title
        sla = s.scalars(select(SlaClock).where(SlaClock.object_id == followup_id)).one()
        assert sla.escalated_to_agency_id == scene.agencies["MPS"].id
        assert actions_on(s, sla.id) == ["sla.started", "sla.reminded", "sla.escalated"]
        f = s.get(HitFollowUp, followup_id)
        assert f is not None
        board = followups.dashboard(s, scene.liaison)
        [row] = board.to_answer
        assert row.clock is not None
        assert row.clock.overdue
        assert row.clock.escalated
        assert row.clock.remaining_seconds == -60
        assert row.clock.remaining_text() == "01:00"
        # A late answer still stops the clock, and is marked late.
        followups.claim(s, scene.liaison, f)
        followups.confirm(s, scene.liaison, f)
        s.commit()
        s.refresh(sla)
        assert sla.stopped_at == START + timedelta(minutes=11)
        view = followups.clock_view(sla, frozen.now() + timedelta(hours=1))
        assert view is not None
        assert not view.running
        assert view.overdue


def test_an_answer_in_time_stops_the_clock_before_any_escalation(
    factory: sessionmaker[Session], frozen: FrozenClock
) -> None:
    scene, followup_id, _ = _reported(factory)
    frozen.advance(timedelta(minutes=2))
    with factory() as s:
        f = s.get(HitFollowUp, followup_id)
        assert f is not None
        followups.claim(s, scene.liaison, f)
        followups.refuse(s, scene.liaison, f, facts="the alert's subject is 1.90 m; this one 1.65")
        s.commit()
    frozen.advance(timedelta(hours=1))
    assert sweep.sweep(factory) == SweepResult(reminded=0, escalated=0)


def test_a_claim_on_a_copy_loaded_before_another_claim_loses_with_409(
    factory: sessionmaker[Session], frozen: FrozenClock
) -> None:
    scene, followup_id, _ = _reported(factory)
    first, second = factory(), factory()
    try:
        a = first.get(HitFollowUp, followup_id)
        b = second.get(HitFollowUp, followup_id)
        assert a is not None
        assert b is not None
        followups.claim(first, scene.liaison, a)
        first.commit()
        with pytest.raises(StaleState) as lost:
            followups.claim(second, scene.other_liaison, b)
        assert (lost.value.status, lost.value.code) == (409, "concurrent_change")
        second.rollback()
        first.expire_all()
        stored = first.get(HitFollowUp, followup_id)
        assert stored is not None
        assert (stored.status, stored.version, stored.claimed_by) == (
            FollowUpStatus.CLAIMED,
            2,
            "js.liaison",
        )
        assert actions_on(first, followup_id).count("hit_followup.claim") == 1
    finally:
        first.close()
        second.close()


def test_two_liaisons_claiming_at_the_same_moment_one_wins(
    factory: sessionmaker[Session], frozen: FrozenClock
) -> None:
    scene, followup_id, _ = _reported(factory)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}
    lock = threading.Lock()

    def liaison(who: str) -> None:
        actor = scene.liaison if who == "js.liaison" else scene.other_liaison
        with factory() as s:
            f = s.get(HitFollowUp, followup_id)
            assert f is not None
            barrier.wait()
            try:
                followups.claim(s, actor, f)
                s.commit()
                result = "claimed"
            except Conflict as exc:
                s.rollback()
                result = f"{exc.status}"
            with lock:
                outcomes[who] = result

    threads = [threading.Thread(target=liaison, args=(w,)) for w in ("js.liaison", "js.liaison2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["409", "claimed"]
    winner = next(w for w, r in outcomes.items() if r == "claimed")
    with factory() as s:
        f = s.get(HitFollowUp, followup_id)
        assert f is not None
        assert (f.status, f.version, f.claimed_by) == (FollowUpStatus.CLAIMED, 2, winner)
        assert actions_on(s, followup_id).count("hit_followup.claim") == 1
