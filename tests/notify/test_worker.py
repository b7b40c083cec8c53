"""The worker loop: jobs run when due, a failing job is logged and not fatal, the embedded
thread starts and stops, and `--once` runs every job a single time."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from accord import worker
from accord.notify import service
from accord.notify.models import InboxItem
from accord.security.actor import Role
from tests.factories import make_actor, make_named
from tests.notify.helpers import Person, install_people, wait_for


def test_a_failing_job_is_logged_and_the_others_still_run(
    db: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    def broken(factory: sessionmaker[Session]) -> int:
        raise RuntimeError("password=hunter2 must not be logged whole" + "x" * 400)

    def fine(factory: sessionmaker[Session]) -> int:
        ran.append("fine")
        return 3

    jobs = [worker.Job("broken", 1, broken), worker.Job("fine", 1, fine)]
    with caplog.at_level(logging.INFO, logger="accord.worker"):
        results = worker.run_once(db.kw["bind"], jobs)
    assert results == {"broken": None, "fine": 3}
    assert ran == ["fine"]
    failure = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert "job broken failed: RuntimeError" in failure.getMessage()
    assert len(failure.getMessage()) < 400  # cut short, and without a traceback
    assert failure.exc_info is None


def test_run_forever_runs_jobs_when_due_until_stopped(db: sessionmaker[Session]) -> None:
    calls: list[float] = []
    stop = threading.Event()

    def tick(factory: sessionmaker[Session]) -> int:
        calls.append(time.monotonic())
        if len(calls) == 3:
            stop.set()
        return 1

    started = time.monotonic()
    worker.run_forever(
        db.kw["bind"], stop=stop, poll_seconds=0.01, jobs=[worker.Job("tick", 0.05, tick)]
    )
    assert len(calls) == 3
    assert calls[2] - calls[0] >= 0.09  # every 0.05 s, not every poll
    assert time.monotonic() - started < 5


def test_the_embedded_worker_delivers_in_a_thread(
    db: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    with db() as session:
        agency = make_named(session, "SH")["SH"]
    officer = make_actor(agency, Role.OFFICER)
    install_people(monkeypatch, [Person.of(officer)])
    embedded = worker.EmbeddedWorker(db.kw["bind"], poll_seconds=0.05)
    embedded.start()
    try:
        assert embedded.running
        with db() as session:
            service.enqueue(
                session,
                event="x.y",
                title="t",
                to_users=[officer.user_id],
                channels=["inbox"],  # type: ignore[list-item]
            )
            session.commit()

        def delivered() -> int:
            with db() as session:
                return int(session.scalar(select(func.count()).select_from(InboxItem)) or 0)

        assert wait_for(delivered, timeout=10) == 1
    finally:
        embedded.stop()
    assert not embedded.running


def test_the_registered_jobs() -> None:
    names = [job.name for job in worker.PERIODIC_JOBS]
    assert names[:3] == ["notify.dispatch", "notify.deliver", "notify.prune_live"]


def test_worker_once_from_the_command_line(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import typer
    from typer.testing import CliRunner

    install_people(monkeypatch, [])
    app = typer.Typer()
    app.command()(worker.worker_command)
    result = CliRunner().invoke(app, ["--once"])
    assert result.exit_code == 0, result.output
    assert "notify.dispatch=0" in result.output
    assert "notify.deliver=0" in result.output
