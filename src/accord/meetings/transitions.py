"""The status machines of meetings and of action commands, as tables (STYLE.md #7).

Overdue is not a status: it is derived from an open command's deadline, so an overdue command
can still be acknowledged, started or completed (and is then "done late").
"""

from __future__ import annotations

from enum import StrEnum

from accord.core.workflow import StatusTable


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    AGENDA_PUBLISHED = "agenda_published"
    HELD = "held"
    CLOSED = "closed"
    CANCELLED = "cancelled"


# Members may still submit agenda items (before the cut-off) in these statuses.
AGENDA_OPEN = frozenset({MeetingStatus.PLANNED, MeetingStatus.AGENDA_PUBLISHED})
# The meeting has taken place: decisions may be recorded.
TOOK_PLACE = frozenset({MeetingStatus.HELD, MeetingStatus.CLOSED})

MEETING_TRANSITIONS: dict[tuple[MeetingStatus, str], MeetingStatus] = {
    (MeetingStatus.PLANNED, "publish_agenda"): MeetingStatus.AGENDA_PUBLISHED,
    (MeetingStatus.AGENDA_PUBLISHED, "hold"): MeetingStatus.HELD,
    (MeetingStatus.HELD, "close"): MeetingStatus.CLOSED,
    (MeetingStatus.PLANNED, "cancel"): MeetingStatus.CANCELLED,
    (MeetingStatus.AGENDA_PUBLISHED, "cancel"): MeetingStatus.CANCELLED,
}

MEETING_TABLE = StatusTable(MeetingStatus, MEETING_TRANSITIONS)


class CommandStatus(StrEnum):
    ISSUED = "issued"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WITHDRAWN = "withdrawn"


OPEN = frozenset({CommandStatus.ISSUED, CommandStatus.ACKNOWLEDGED, CommandStatus.IN_PROGRESS})

COMMAND_TRANSITIONS: dict[tuple[CommandStatus, str], CommandStatus] = {
    (CommandStatus.ISSUED, "acknowledge"): CommandStatus.ACKNOWLEDGED,
    (CommandStatus.ACKNOWLEDGED, "start"): CommandStatus.IN_PROGRESS,
    (CommandStatus.IN_PROGRESS, "complete"): CommandStatus.DONE,
    (CommandStatus.ISSUED, "withdraw"): CommandStatus.WITHDRAWN,
    (CommandStatus.ACKNOWLEDGED, "withdraw"): CommandStatus.WITHDRAWN,
    (CommandStatus.IN_PROGRESS, "withdraw"): CommandStatus.WITHDRAWN,
}

COMMAND_TABLE = StatusTable(CommandStatus, COMMAND_TRANSITIONS)

# Who moves a command: its owner (commands.update) or the secretariat (commands.manage).
OWNER_ACTIONS = frozenset({"acknowledge", "start", "complete"})
SECRETARIAT_ACTIONS = frozenset({"withdraw"})
