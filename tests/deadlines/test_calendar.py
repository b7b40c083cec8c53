"""The business calendar as data: loading, editing (audited), and refusing bad input whole."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.deadlines import service
from accord.deadlines.models import CalendarDay, DayKind
from accord.deadlines.service import CalendarDayNotFound, InvalidCalendar
from accord.security.actor import Role
from accord.security.policy import PermissionDenied
from tests.deadlines.helpers import count_events
from tests.factories import make_actor, make_named

ADMIN = make_actor(None, Role.PLATFORM_ADMIN, username="admin")


def days(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CalendarDay)) or 0


def line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_loading_the_shipped_schedules_twice_changes_nothing_the_second_time(
    session: Session,
) -> None:
    first = service.load_calendar(session, service.shipped_calendar_lines())
    assert (first.created, first.updated, first.unchanged) == (72, 0, 0)
    second = service.load_calendar(session, service.shipped_calendar_lines())
    assert (second.created, second.updated, second.unchanged) == (0, 0, 72)
    assert count_events(session, "calendar.loaded") == 1
    national_day = service.get_day(session, date(2026, 10, 1))
    assert national_day is not None
    assert (national_day.kind, national_day.name_zh) == (DayKind.HOLIDAY, "国庆节")
    assert national_day.updated_by == "calendar-load"
    assert [d.day for d in service.list_days(session, 2025)][:3] == [
        date(2025, 1, 1),
        date(2025, 1, 26),
        date(2025, 1, 28),
    ]
    assert service.years_listed(session) == [2025, 2026]


def test_a_changed_line_updates_its_date_only(session: Session) -> None:
    service.load_calendar(session, service.shipped_calendar_lines())
    result = service.load_calendar(
        session,
        [line(date="2026-10-01", kind="holiday", name_zh="国庆节", name_en="National Day (PRC)")],
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert days(session) == 72


@pytest.mark.parametrize(
    ("bad", "message", "field"),
    [
        ("{not json", "line 2: not JSON", None),
        (line(date="2027-02-30", kind="holiday"), "line 2: field 'date'", "date"),
        (line(date="2027-02-06", kind="festival"), "line 2: field 'kind'", "kind"),
        (line(date="2027-02-06", kind="holiday", colour="red"), "line 2: field 'colour'", "colour"),
        (
            line(date="2027-01-01", kind="holiday"),
            "line 2: field 'date': 2027-01-01 is also",
            "date",
        ),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_loaded(
    session: Session, bad: str, message: str, field: str | None
) -> None:
    good = line(date="2027-01-01", kind="holiday", name_zh="元旦", name_en="New Year's Day")
    with pytest.raises(InvalidCalendar) as caught:
        service.load_calendar(session, [good, bad, good.replace("01-01", "01-02")])
    assert caught.value.detail.startswith(message)
    assert caught.value.field == field
    assert caught.value.data["line"] == 2
    assert days(session) == 0
    assert count_events(session, "calendar.loaded") == 0


def test_setting_and_unsetting_a_date_is_audited(session: Session) -> None:
    service.set_day(
        session, ADMIN, day=date(2027, 1, 1), kind=DayKind.HOLIDAY, name_zh=" 元旦 ", name_en="NY"
    )
    service.set_day(session, ADMIN, day=date(2027, 1, 1), kind=DayKind.HOLIDAY, name_zh="元旦")
    service.unset_day(session, ADMIN, day=date(2027, 1, 1))
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "calendar_day", AuditEvent.object_id == "2027-01-01")
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["calendar.set", "calendar.set", "calendar.unset"]
    assert events[0].actor_username == "admin"
    assert events[0].detail is not None
    assert events[0].detail["before"] is None
    assert events[0].detail["after"] == {"kind": "holiday", "name_zh": "元旦", "name_en": "NY"}
    assert events[1].detail is not None
    assert events[1].detail["after"]["name_en"] == ""
    assert days(session) == 0


def test_only_platform_admins_edit_and_an_unknown_date_is_404(session: Session) -> None:
    sh = make_named(session, "SH")["SH"]
    for role in (Role.AGENCY_ADMIN, Role.LIAISON):
        with pytest.raises(PermissionDenied):
            service.set_day(
                session, make_actor(sh, role), day=date(2027, 1, 1), kind=DayKind.HOLIDAY
            )
        with pytest.raises(PermissionDenied):
            service.load_calendar(
                session, service.shipped_calendar_lines(), actor=make_actor(sh, role)
            )
    assert days(session) == 0
    with pytest.raises(CalendarDayNotFound) as missing:
        service.unset_day(session, ADMIN, day=date(2027, 3, 3))
    assert missing.value.status == 404
    assert missing.value.field == "date"
