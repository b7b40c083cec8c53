"""The chainer job: its own committed transaction, a recent window, and regular full sweeps."""

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from accord.audit import chain, jobs, service
from accord.audit.models import AuditChainLink, AuditCheckpoint
from accord.core import clock
from accord.core.clock import FrozenClock, use_clock
from accord.core.db import make_engine, make_sessionmaker
from accord.security.actor import Actor


@pytest.fixture
def factory(fresh_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(fresh_database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def record_at(factory: sessionmaker[Session], when: FrozenClock, action: str) -> None:
    with use_clock(when), factory() as session:
        service.record(session, Actor.system(), action=action)
        session.commit()


def test_chain_job_commits_links_and_checkpoints(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_AUDIT_CHECKPOINT_EVERY", "2")
    now = FrozenClock(clock.now())
    for i in range(3):
        record_at(factory, now, f"check.{i}")
    assert jobs.chain_job(factory) == 3
    with factory() as other:
        assert len(other.scalars(select(AuditChainLink)).all()) == 3
        assert other.scalars(select(AuditCheckpoint.position)).all() == [2]
        assert chain.verify(other).ok


def test_frequent_runs_look_back_a_while_and_full_sweeps_catch_the_rest(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    now = clock.now()
    record_at(factory, FrozenClock(now - timedelta(hours=2)), "check.old")  # a long transaction
    record_at(factory, FrozenClock(now), "check.new")
    assert jobs.chain_and_checkpoint(factory, full=False) == (1, [])
    with factory() as session:
        assert chain.pending_count(session) == 1
    # A process's first run is a full sweep; after that one an hour.
    monkeypatch.setattr(jobs, "_last_full_sweep", None)
    assert jobs.chain_job(factory) == 1
    assert jobs._last_full_sweep is not None
    assert not jobs._full_sweep_due()
    monkeypatch.setattr(jobs, "_last_full_sweep", time.monotonic() - 3601)
    assert jobs._full_sweep_due()
    with factory() as session:
        assert chain.pending_count(session) == 0
        assert chain.verify(session).ok


def test_a_failed_run_leaves_nothing_behind(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    record_at(factory, FrozenClock(clock.now()), "check.one")

    def refuse(session: Session, **_: object) -> list[int]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(chain, "write_due_checkpoints", refuse)
    with pytest.raises(RuntimeError, match="disk full"):
        jobs.chain_job(factory)
    with factory() as session:
        assert chain.pending_count(session) == 1
