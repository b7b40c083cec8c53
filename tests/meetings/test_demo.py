"""The demo loader: a past meeting with commands in every state, an upcoming one; loads once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.core import clock
from accord.meetings import commands
from accord.meetings.demo import load_demo
from accord.meetings.models import ActionCommand, Meeting
from accord.meetings.transitions import MeetingStatus
from accord.security.actor import Actor
from tests.meetings.helpers import count, make_yrd


def test_the_demo_has_a_past_and_an_upcoming_meeting_and_loads_once(session: Session) -> None:
    yrd = make_yrd(session)
    assert load_demo(session, Actor.system("demo")) == 2
    session.commit()
    meetings = list(session.scalars(select(Meeting).order_by(Meeting.starts_at)))
    assert [m.status for m in meetings] == [MeetingStatus.CLOSED, MeetingStatus.PLANNED]
    past, upcoming = meetings
    assert past.minutes
    assert all(p.attended for p in past.participants)
    assert len(upcoming.items) == 2
    assert upcoming.agenda_cutoff_at > clock.now()
    now = clock.now()
    rows = list(session.scalars(select(ActionCommand)))
    kinds = Counter(
        "overdue" if c.overdue_at(now) else "late" if c.done_late else c.status.value for c in rows
    )
    assert kinds == {"done": 1, "late": 1, "overdue": 2, "in_progress": 2}
    board = {r.code: r for r in commands.dashboard(session, yrd.secretariat, yrd.zone)}
    assert sum(r.overdue for r in board.values()) == 2
    before = (count(session, Meeting), count(session, ActionCommand))
    assert load_demo(session, Actor.system("demo")) == 0
    assert (count(session, Meeting), count(session, ActionCommand)) == before
