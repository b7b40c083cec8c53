"""Background jobs of the deadlines package, for the worker to run on a schedule."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from accord.deadlines.sweep import sweep

log = logging.getLogger(__name__)


def sweep_job(session_factory: sessionmaker[Session]) -> int:
    """Send due reminders and escalations (each in its own transaction); how many were sent.

    Safe to run as often as wanted and from several workers at once (see `deadlines.sweep`);
    once a minute suits deadlines counted in minutes, like hit confirmations.
    """
    result = sweep(session_factory)
    if result.reminded or result.escalated:
        log.info("deadline sweep: %d reminded, %d escalated", result.reminded, result.escalated)
    return result.reminded + result.escalated
