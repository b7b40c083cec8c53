"""Every row of both status tables, and one refused move from every status (STYLE.md #7)."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from accord.core.clock import FrozenClock
from accord.core.workflow import StaleState, TransitionNotAllowed
from accord.meetings import commands, service
from accord.meetings.models import ActionCommand, Meeting
from accord.meetings.transitions import (
    COMMAND_TABLE,
    MEETING_TABLE,
    OWNER_ACTIONS,
    CommandStatus,
    MeetingStatus,
)
from tests.meetings.helpers import decide_all, held_with_item, make_yrd, schedule


def _put_meeting(session: Session, meeting: Meeting, status: MeetingStatus) -> None:
    session.execute(update(Meeting).where(Meeting.id == meeting.id).values(status=status))
    session.refresh(meeting)


def _put_command(session: Session, command: ActionCommand, status: CommandStatus) -> None:
    session.execute(
        update(ActionCommand).where(ActionCommand.id == command.id).values(status=status)
    )
    session.refresh(command)


@pytest.mark.parametrize(("start", "action", "target"), MEETING_TABLE.rows())
def test_every_meeting_move(
    session: Session,
    frozen_clock: FrozenClock,
    start: MeetingStatus,
    action: str,
    target: MeetingStatus,
) -> None:
    yrd = make_yrd(session)
    meeting = schedule(session, yrd)
    _put_meeting(session, meeting, start)
    version = meeting.version
    assert service.move_meeting(session, yrd.secretariat, meeting, action, reason="r") == target
    assert (meeting.status, meeting.version) == (target, version + 1)


REFUSED_MEETING = {
    MeetingStatus.PLANNED: "hold",
    MeetingStatus.AGENDA_PUBLISHED: "close",
    MeetingStatus.HELD: "cancel",
    MeetingStatus.CLOSED: "hold",
    MeetingStatus.CANCELLED: "publish_agenda",
}


@pytest.mark.parametrize(("start", "action"), REFUSED_MEETING.items())
def test_one_refused_meeting_move_per_status(
    session: Session, frozen_clock: FrozenClock, start: MeetingStatus, action: str
) -> None:
    assert not MEETING_TABLE.can(start, action)
    yrd = make_yrd(session)
    meeting = schedule(session, yrd)
    _put_meeting(session, meeting, start)
    with pytest.raises(TransitionNotAllowed):
        service.move_meeting(session, yrd.secretariat, meeting, action, reason="r")
    session.refresh(meeting)
    assert meeting.status == start


@pytest.mark.parametrize(("start", "action", "target"), COMMAND_TABLE.rows())
def test_every_command_move(
    session: Session,
    frozen_clock: FrozenClock,
    start: CommandStatus,
    action: str,
    target: CommandStatus,
) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    command = next(c for c in decide_all(session, yrd, item).commands if c.owner.code == "330000")
    _put_command(session, command, start)
    who = yrd.zj_liaison if action in OWNER_ACTIONS else yrd.secretariat
    assert commands.move_command(session, who, command, action, reason="r") == target
    assert command.status == target
    assert (command.done_at is not None) == (target == CommandStatus.DONE)


REFUSED_COMMAND = {
    CommandStatus.ISSUED: "complete",
    CommandStatus.ACKNOWLEDGED: "acknowledge",
    CommandStatus.IN_PROGRESS: "start",
    CommandStatus.DONE: "withdraw",
    CommandStatus.WITHDRAWN: "acknowledge",
}


@pytest.mark.parametrize(("start", "action"), REFUSED_COMMAND.items())
def test_one_refused_command_move_per_status(
    session: Session, frozen_clock: FrozenClock, start: CommandStatus, action: str
) -> None:
    assert not COMMAND_TABLE.can(start, action)
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    command = next(c for c in decide_all(session, yrd, item).commands if c.owner.code == "330000")
    _put_command(session, command, start)
    who = yrd.zj_liaison if action in OWNER_ACTIONS else yrd.secretariat
    with pytest.raises(TransitionNotAllowed):
        commands.move_command(session, who, command, action, reason="r")
    session.refresh(command)
    assert command.status == start


def test_a_concurrent_move_loses(session: Session, frozen_clock: FrozenClock) -> None:
    yrd = make_yrd(session)
    _meeting, item = held_with_item(session, yrd)
    command = next(c for c in decide_all(session, yrd, item).commands if c.owner.code == "330000")
    session.execute(
        update(ActionCommand)
        .where(ActionCommand.id == command.id)
        .values(version=ActionCommand.version + 1)
        .execution_options(synchronize_session=False)  # the object still holds the old one
    )
    with pytest.raises(StaleState):
        commands.move_command(session, yrd.zj_liaison, command, "acknowledge")
