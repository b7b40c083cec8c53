"""The overdue sweep: one notification per overdue command and deadline, however often it runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from accord.core.db import make_engine, make_sessionmaker
from accord.meetings import commands
from accord.meetings.models import ActionCommand
from accord.meetings.sweep import overdue_sweep
from accord.notify.models import OutboxMessage
from accord.security import service as security_service
from accord.security.actor import Actor, Role
from tests.factories import make_user
from tests.meetings.helpers import decide_all, held_with_item, make_yrd


@pytest.fixture
def fresh_engine(fresh_database_url: str) -> Iterator[Engine]:
    engine = make_engine(fresh_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(fresh_engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(fresh_engine, writes=True)


def _setup(factory: sessionmaker[Session], clock: FrozenClock) -> list[str]:
    """Four commands of YRD due in a day; ZJ's is done in time. Returns the open ones' refs."""
    with factory() as session:
        yrd = make_yrd(session)
        make_user(session, "yrd.sec", "310000")
        security_service.grant_role(
            session, Actor.system(), username="yrd.sec", role=Role.SECRETARIAT, zone_id=yrd.zone.id
        )
        make_user(session, "zj.liaison", "330000", Role.LIAISON)
        session.commit()
        _meeting, item = held_with_item(session, yrd)
        decision = decide_all(session, yrd, item, deadline=clock.now() + timedelta(days=1))
        zj = next(c for c in decision.commands if c.owner.code == "330000")
        for action in ("acknowledge", "start", "complete"):
            commands.move_command(session, yrd.zj_liaison, zj, action)
        session.commit()
        return sorted(c.reference for c in decision.commands if c.owner.code != "330000")


def _overdue_rows(factory: sessionmaker[Session]) -> list[OutboxMessage]:
    with factory() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.event == "command.overdue")
                .order_by(OutboxMessage.id)
            )
        )


def test_two_sweeps_notify_once_per_overdue_command(
    factory: sessionmaker[Session], frozen_clock: FrozenClock
) -> None:
    open_refs = _setup(factory, frozen_clock)
    assert overdue_sweep(factory) == 0  # nothing is due yet
    frozen_clock.advance(timedelta(days=2))
    assert overdue_sweep(factory) == 3
    assert overdue_sweep(factory) == 0
    rows = _overdue_rows(factory)
    assert sorted(r.reference or "" for r in rows) == open_refs
    with factory() as session:
        secretariat = security_service.get_user(session, "yrd.sec").id
        zj = session.scalars(select(ActionCommand).where(ActionCommand.status == "done")).one()
        audited = session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "action_command.overdue")
        ).all()
    for row in rows:
        assert row.recipients["users"] == [str(secretariat)]
        assert row.recipients["roles"] == ["liaison"]
        assert row.dedupe_key is not None
        assert row.dedupe_key.startswith("command.overdue:")
    assert zj.reference not in {r.reference for r in rows}
    assert len(audited) == 3


def test_an_extension_makes_a_new_deadline_to_announce_once(
    factory: sessionmaker[Session], frozen_clock: FrozenClock
) -> None:
    _setup(factory, frozen_clock)
    frozen_clock.advance(timedelta(days=2))
    assert overdue_sweep(factory) == 3
    with factory() as session:
        secretariat = security_service.actor_for(
            security_service.get_user(session, "yrd.sec"), via="test"
        )
        command = session.scalars(
            select(ActionCommand).where(ActionCommand.status == "issued").limit(1)
        ).one()
        commands.extend_deadline(
            session,
            secretariat,
            command,
            deadline=frozen_clock.now() + timedelta(days=1),
            reason="春节",
        )
        session.commit()
    assert overdue_sweep(factory) == 0  # no longer overdue
    frozen_clock.advance(timedelta(days=2))
    assert overdue_sweep(factory) == 1
    assert overdue_sweep(factory) == 0
    assert len(_overdue_rows(factory)) == 4


def test_concurrent_sweeps_notify_once(
    factory: sessionmaker[Session], frozen_clock: FrozenClock
) -> None:
    _setup(factory, frozen_clock)
    frozen_clock.advance(timedelta(days=2))
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            results.append(overdue_sweep(factory, now=frozen_clock.now()))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(results) == 3
    assert len(_overdue_rows(factory)) == 3
