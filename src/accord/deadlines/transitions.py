"""The status machine of an SLA clock: running ⇄ paused, and either may stop for good.

Reminders and escalation are not statuses but one-way flags (`reminded_at`, `escalated_at`)
set by the sweep, so a clock that is overdue can still be paused, resumed or stopped.
"""

from __future__ import annotations

from enum import StrEnum

from accord.core.workflow import StatusTable


class SlaStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


OPEN = frozenset({SlaStatus.RUNNING, SlaStatus.PAUSED})

TRANSITIONS: dict[tuple[SlaStatus, str], SlaStatus] = {
    (SlaStatus.RUNNING, "pause"): SlaStatus.PAUSED,
    (SlaStatus.PAUSED, "resume"): SlaStatus.RUNNING,
    (SlaStatus.RUNNING, "stop"): SlaStatus.STOPPED,
    (SlaStatus.PAUSED, "stop"): SlaStatus.STOPPED,
}

TABLE = StatusTable(SlaStatus, TRANSITIONS)
