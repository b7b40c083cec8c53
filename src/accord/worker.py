"""The background worker: periodic jobs (outbox dispatch, deliveries, pruning, and what other
packages register) run in a loop, as `accord worker` or embedded in `accord serve`.

Each job gets the sessionmaker and owns its sessions and transactions; an exception in one job is
logged (without secrets: jobs raise their own short messages) and the loop goes on. Jobs are due
by a monotonic timer, not by `clock.now()`, so a frozen test clock does not stop the loop.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from accord.core.db import make_sessionmaker
from accord.notify import dispatch

log = logging.getLogger("accord.worker")


@dataclass(frozen=True)
class Job:
    """A periodic job: `run(sessionmaker)` does one pass and returns how much it did."""

    name: str
    every_seconds: float
    run: Callable[[sessionmaker[Session]], int]


PERIODIC_JOBS: list[Job] = [
    Job("notify.dispatch", 1.0, dispatch.dispatch_pending),
    Job("notify.deliver", 1.0, dispatch.deliver_due),
    Job("notify.prune_live", 3600.0, dispatch.prune_live),
]


def run_job(job: Job, factory: sessionmaker[Session]) -> int | None:
    """One pass of `job`; None if it failed (logged, never raised)."""
    try:
        done = job.run(factory)
    except Exception as exc:
        # The type and message only: tracebacks of SQL errors can quote bound parameters.
        log.error("job %s failed: %s: %s", job.name, type(exc).__name__, str(exc)[:300])
        return None
    if done:
        log.info("job %s: %d", job.name, done)
    return done


def run_once(engine: Engine, jobs: Sequence[Job] | None = None) -> dict[str, int | None]:
    """Every job once, in order; returns what each did (None for a failure)."""
    factory = make_sessionmaker(engine, writes=True)
    return {job.name: run_job(job, factory) for job in (PERIODIC_JOBS if jobs is None else jobs)}


def run_forever(
    engine: Engine,
    *,
    stop: threading.Event,
    poll_seconds: float = 1.0,
    jobs: Sequence[Job] | None = None,
) -> None:
    """Run each job whenever it is due until `stop` is set."""
    factory = make_sessionmaker(engine, writes=True)
    chosen = list(PERIODIC_JOBS if jobs is None else jobs)
    next_due = dict.fromkeys((job.name for job in chosen), 0.0)
    log.info("worker started: %s", ", ".join(job.name for job in chosen))
    while not stop.is_set():
        for job in chosen:
            if stop.is_set():
                break
            if time.monotonic() >= next_due[job.name]:
                run_job(job, factory)
                next_due[job.name] = time.monotonic() + job.every_seconds
        stop.wait(poll_seconds)
    log.info("worker stopped")


class EmbeddedWorker:
    """The worker in a daemon thread of the web server process (`accord serve`'s default)."""

    def __init__(
        self, engine: Engine, *, poll_seconds: float = 1.0, jobs: Sequence[Job] | None = None
    ) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.jobs = jobs
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=run_forever,
            args=(self.engine,),
            kwargs={"stop": self._stop, "poll_seconds": self.poll_seconds, "jobs": self.jobs},
            name="accord-worker",
            daemon=True,
        )
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


def worker_command(
    once: Annotated[
        bool, typer.Option("--once", help="Run every job once and exit (for cron or tests).")
    ] = False,
) -> None:
    """Deliver notifications and run the periodic jobs until stopped (SIGTERM or Ctrl-C)."""
    from accord.core.db import default_engine

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    engine = default_engine()
    if once:
        results = run_once(engine)
        typer.echo(" ".join(f"{name}={done}" for name, done in results.items()))
        if any(done is None for done in results.values()):
            raise typer.Exit(1)
        return
    stop = threading.Event()

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    run_forever(engine, stop=stop)
