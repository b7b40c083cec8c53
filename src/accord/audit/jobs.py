"""The audit chainer as a background job: link new events, sign checkpoints that are due.

The worker calls `chain_job` every few seconds; `accord audit chain` and `accord audit verify`
call `chain_and_checkpoint(..., full=True)`. It is handed a session factory, not a session,
because it owns its transaction. Frequent runs look only at the last `LOOKBACK` of events (an
index range scan); a full run, which also finds older unchained events, is made on the first
run of a process and then every `FULL_SWEEP_EVERY`.
"""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from accord.audit import chain
from accord.core import clock

LOOKBACK = timedelta(hours=1)
FULL_SWEEP_EVERY = timedelta(hours=1)

_last_full_sweep: float | None = None  # time.monotonic() of this process's last full run


def chain_job(session_factory: sessionmaker[Session]) -> int:
    """Chain pending events and write due checkpoints in one transaction; returns how many
    events were chained."""
    count, _ = chain_and_checkpoint(session_factory)
    return count


def _full_sweep_due() -> bool:
    return (
        _last_full_sweep is None
        or time.monotonic() - _last_full_sweep >= FULL_SWEEP_EVERY.total_seconds()
    )


def chain_and_checkpoint(
    session_factory: sessionmaker[Session], *, full: bool | None = None
) -> tuple[int, list[int]]:
    """As `chain_job`, also returning the positions of the checkpoints written. `full`
    forces (True) or skips (False) a sweep of the whole log; None leaves it to the schedule."""
    global _last_full_sweep
    sweep = _full_sweep_due() if full is None else full
    session = session_factory()
    try:
        since = None if sweep else clock.now() - LOOKBACK
        count = chain.chain_pending(session, since=since)
        signed = chain.write_due_checkpoints(session)
        session.commit()
    finally:
        session.rollback()
        session.close()
    if sweep:
        _last_full_sweep = time.monotonic()
    return count, signed
