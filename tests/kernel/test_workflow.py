"""The status-table kernel: the table walked row by row, refused moves, and a lost race (409)."""

from __future__ import annotations

import threading
from enum import StrEnum
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from accord.core.db import make_engine, make_sessionmaker
from accord.core.errors import Conflict
from accord.core.workflow import StaleState, StatusTable, TransitionNotAllowed, transition
from accord.deadlines import service
from accord.deadlines.models import SlaClock
from accord.deadlines.transitions import TABLE, SlaStatus
from accord.security.actor import Actor
from tests.deadlines.helpers import actions, count_events, start
from tests.factories import make_named


class Door(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    LOCKED = "locked"
    GONE = "gone"


class Other(StrEnum):
    X = "x"


DOOR = StatusTable(
    Door,
    {
        (Door.OPEN, "close"): Door.CLOSED,
        (Door.CLOSED, "open"): Door.OPEN,
        (Door.CLOSED, "lock"): Door.LOCKED,
        (Door.LOCKED, "unlock"): Door.CLOSED,
        (Door.CLOSED, "demolish"): Door.GONE,
    },
)

ACTOR = Actor.system("tester")


# --- the table itself (in memory) -------------------------------------------------------------


@pytest.mark.parametrize(("status", "action", "target"), DOOR.rows())
def test_every_row_of_a_table_leads_where_it_says(status: Door, action: str, target: Door) -> None:
    assert DOOR.next_status(status, action) is target
    assert DOOR.can(status, action)
    assert action in DOOR.allowed_actions(status)


def test_a_refused_move_is_a_409_naming_status_action_and_the_allowed_ones() -> None:
    with pytest.raises(TransitionNotAllowed) as caught:
        DOOR.next_status(Door.LOCKED, "open")
    error = caught.value
    assert isinstance(error, Conflict)
    assert error.status == 409
    problem = error.problem()
    assert problem["code"] == "transition_not_allowed"
    assert problem["status"] == 409
    assert problem["current_status"] == "locked"
    assert problem["action"] == "open"
    assert problem["allowed"] == ["unlock"]
    assert error.detail == "cannot open when the status is locked; allowed: unlock"


def test_a_final_status_says_so_and_plain_strings_are_accepted() -> None:
    assert DOOR.terminal() == {Door.GONE}
    with pytest.raises(TransitionNotAllowed, match="allowed: none: it is final"):
        DOOR.next_status("gone", "open")
    assert DOOR.next_status("closed", "lock") is Door.LOCKED
    assert DOOR.allowed_actions("closed") == ["open", "lock", "demolish"]
    with pytest.raises(ValueError, match="not a Door"):
        DOOR.next_status("ajar", "close")


def test_a_table_with_foreign_statuses_or_blank_actions_is_refused_when_built() -> None:
    mixed: dict[tuple[Any, str], Any] = {(Door.OPEN, "close"): Other.X}
    with pytest.raises(ValueError, match="not Door"):
        StatusTable(Door, mixed)
    with pytest.raises(ValueError, match="non-blank"):
        StatusTable(Door, {(Door.OPEN, " "): Door.CLOSED})


# --- the SLA clock's table, walked on the database -------------------------------------------

# How to bring a fresh (running) clock into each status before trying a move from it.
PATHS: dict[SlaStatus, list[str]] = {
    SlaStatus.RUNNING: [],
    SlaStatus.PAUSED: ["pause"],
    SlaStatus.STOPPED: ["stop"],
}


def _move(session: Session, clock: SlaClock, action: str) -> SlaStatus:
    return transition(
        session,
        ACTOR,
        clock,
        table=TABLE,
        action=action,
        object_type="sla_clock",
        reason=f"test {action}",
    )


def test_every_status_is_reachable_and_covered() -> None:
    assert set(PATHS) == set(SlaStatus)
    assert TABLE.terminal() == {SlaStatus.STOPPED}


@pytest.mark.parametrize(("status", "action", "target"), TABLE.rows())
def test_sla_table_row_by_row(
    session: Session, frozen_clock: FrozenClock, status: SlaStatus, action: str, target: SlaStatus
) -> None:
    sh = make_named(session, "SH")["SH"]
    clock = start(session, sh)
    for step in PATHS[status]:
        _move(session, clock, step)
    session.commit()
    assert clock.status is status
    version = clock.version

    assert _move(session, clock, action) is target
    session.commit()

    session.expire_all()
    stored = session.get(SlaClock, clock.id)
    assert stored is not None
    assert stored.status is target
    assert stored.version == version + 1
    assert actions(session, clock.id)[-1] == f"sla_clock.{action}"


@pytest.mark.parametrize("status", list(SlaStatus))
def test_one_refused_move_per_status_changes_nothing(
    session: Session, frozen_clock: FrozenClock, status: SlaStatus
) -> None:
    sh = make_named(session, "SH")["SH"]
    clock = start(session, sh)
    for step in PATHS[status]:
        _move(session, clock, step)
    session.commit()
    refused = next(a for a in ("resume", "pause", "stop") if not TABLE.can(status, a))
    before = (clock.status, clock.version, actions(session, clock.id))

    with pytest.raises(TransitionNotAllowed) as caught:
        _move(session, clock, refused)
    assert caught.value.data["current_status"] == status.value
    session.rollback()

    session.expire_all()
    stored = session.get(SlaClock, clock.id)
    assert stored is not None
    assert (stored.status, stored.version, actions(session, clock.id)) == before


def test_transition_writes_from_to_and_reason_in_the_audit_event(
    session: Session, frozen_clock: FrozenClock
) -> None:
    sh = make_named(session, "SH")["SH"]
    clock = start(session, sh)
    service.pause_clock(session, ACTOR, clock, reason="waiting for the requester")
    session.commit()
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_id == str(clock.id), AuditEvent.action == "sla.paused"
        )
    ).one()
    assert event.object_type == "sla_clock"
    assert event.detail is not None
    assert {k: event.detail[k] for k in ("from", "to", "reason")} == {
        "from": "running",
        "to": "paused",
        "reason": "waiting for the requester",
    }


# --- concurrency: the compare-and-set on the version column ----------------------------------


def _two_loaded_copies(url: str) -> tuple[Session, Session, SlaClock, SlaClock, str]:
    factory = make_sessionmaker(make_engine(url))
    with factory() as setup:
        sh = make_named(setup, "SH")["SH"]
        clock_id = start(setup, sh).id
    first, second = factory(), factory()
    a = first.get(SlaClock, clock_id)
    b = second.get(SlaClock, clock_id)
    assert a is not None
    assert b is not None
    return first, second, a, b, str(clock_id)


def test_a_concurrent_transition_loses_with_409_and_writes_nothing(
    fresh_database_url: str, frozen_clock: FrozenClock
) -> None:
    """Both load version 1 in open transactions; the first commits its pause, the second's
    pause must be refused and its audit event never written."""
    first, second, a, b, clock_id = _two_loaded_copies(fresh_database_url)
    try:
        service.pause_clock(first, ACTOR, a, reason="first")
        first.commit()

        with pytest.raises(StaleState) as caught:
            service.pause_clock(second, ACTOR, b, reason="second")
        assert caught.value.status == 409
        assert caught.value.code == "concurrent_change"
        assert "reload" in caught.value.detail
        second.rollback()

        check = first
        check.expire_all()
        stored = check.get(SlaClock, a.id)
        assert stored is not None
        assert (stored.status, stored.version) == (SlaStatus.PAUSED, 2)
        assert actions(check, clock_id) == ["sla.started", "sla.paused"]
        assert count_events(check, "sla.paused") == 1
    finally:
        first.close()
        second.close()


def test_a_stale_copy_loaded_earlier_loses_on_the_version_alone(
    fresh_database_url: str, frozen_clock: FrozenClock
) -> None:
    """The second copy's transaction ended after loading (as a form shown, then submitted):
    only the version column can tell that it is stale."""
    first, second, a, b, clock_id = _two_loaded_copies(fresh_database_url)
    try:
        second.commit()  # b stays loaded (expire_on_commit=False) with version 1
        service.pause_clock(first, ACTOR, a, reason="first")
        first.commit()
        assert b.version == 1

        with pytest.raises(StaleState):
            service.stop_clock(second, ACTOR, b, reason="stale")
        second.rollback()

        first.expire_all()
        stored = first.get(SlaClock, a.id)
        assert stored is not None
        assert (stored.status, stored.version) == (SlaStatus.PAUSED, 2)
        assert actions(first, clock_id) == ["sla.started", "sla.paused"]
    finally:
        first.close()
        second.close()


def test_two_simultaneous_transitions_one_wins(
    fresh_database_url: str, frozen_clock: FrozenClock
) -> None:
    """Two threads load the same clock, meet at a barrier, and both try to move it."""
    factory = make_sessionmaker(make_engine(fresh_database_url))
    with factory() as setup:
        sh = make_named(setup, "SH")["SH"]
        clock_id = start(setup, sh).id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(action: str) -> None:
        with factory() as session:
            clock = session.get(SlaClock, clock_id)
            assert clock is not None
            barrier.wait()
            try:
                if action == "pause":
                    service.pause_clock(session, ACTOR, clock, reason="race")
                else:
                    service.stop_clock(session, ACTOR, clock, reason="race")
                session.commit()
                result = action
            except StaleState:
                session.rollback()
                result = "stale"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(a,)) for a in ("pause", "stop")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) in (["pause", "stale"], ["stale", "stop"])
    with factory() as check:
        stored = check.get(SlaClock, clock_id)
        assert stored is not None
        assert stored.version == 2
        winner = next(o for o in outcomes if o != "stale")
        assert stored.status is (SlaStatus.PAUSED if winner == "pause" else SlaStatus.STOPPED)
        assert len(actions(check, clock_id)) == 2
