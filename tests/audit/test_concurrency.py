"""Concurrent writers: recording never waits on the chain; only chainers wait for each other."""

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from accord.audit import chain, service
from accord.audit.jobs import chain_job
from accord.audit.models import AuditChainLink
from accord.core.db import make_engine, make_sessionmaker
from accord.security.actor import Actor


@pytest.fixture
def factory(fresh_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine: Engine = make_engine(fresh_database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def record_one(factory: sessionmaker[Session], action: str) -> None:
    with factory() as session:
        service.record(session, Actor.system(), action=action)
        session.commit()


def test_a_second_chainer_waits_for_the_first_and_links_nothing_twice(
    factory: sessionmaker[Session],
) -> None:
    for i in range(5):
        record_one(factory, f"check.{i}")
    first = factory()
    assert chain.chain_pending(first) == 5  # holds the chain lock until it commits
    outcome: dict[str, int] = {}

    def second() -> None:
        outcome["chained"] = chain_job(factory)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive(), "the second chainer waits for the first one's lock"
    first.commit()
    first.close()
    thread.join(timeout=15)
    assert not thread.is_alive()
    assert outcome == {"chained": 0}
    with factory() as session:
        positions = list(session.scalars(select(AuditChainLink.position)))
        assert sorted(positions) == [1, 2, 3, 4, 5]
        assert chain.verify(session).ok


def test_recording_does_not_wait_on_the_chainer_or_other_writers(
    factory: sessionmaker[Session],
) -> None:
    with factory() as probe:
        if probe.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite has a single writer: every write transaction waits its turn")
    chainer = factory()
    chain.chain_pending(chainer)  # the chain lock is held...
    early = factory()
    early_event = service.record(early, Actor.system(), action="check.early")
    early.flush()  # ...and another application transaction is open and uncommitted,
    late = factory()
    late.execute(text("SET LOCAL lock_timeout = '2s'"))  # fail, rather than hang, if it waited
    late_event = service.record(late, Actor.system(), action="check.late")
    late.commit()  # ...yet this one records and commits without waiting for either.
    late.close()
    chainer.commit()
    chainer.close()

    # The chainer sees only committed events: the early one is linked after the late one.
    assert chain_job(factory) == 1
    early.commit()
    early.close()
    assert chain_job(factory) == 1
    with factory() as session:
        order = list(
            session.scalars(select(AuditChainLink.event_id).order_by(AuditChainLink.position))
        )
        assert order == [late_event.id, early_event.id]
        assert early_event.occurred_at <= late_event.occurred_at
        assert chain.verify(session).ok
