"""Business-time arithmetic across the 2025/2026 Spring Festival and National Day schedules."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from accord.deadlines import calendar as bizcal
from accord.deadlines import service
from accord.deadlines.calendar import (
    BusinessCalendar,
    CalendarBroken,
    add_business_days,
    add_business_time,
    business_start,
    business_time_between,
)
from tests.deadlines.helpers import cst

H = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def cn() -> BusinessCalendar:
    """The shipped official schedules, parsed exactly as `accord calendar load` parses them."""
    entries = service.parse_calendar_lines(service.shipped_calendar_lines())
    return BusinessCalendar({e.date: e.kind.value for _, e in entries})


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2025, 1, 24), True),  # Friday
        (date(2025, 1, 25), False),  # Saturday
        (date(2025, 1, 26), True),  # Sunday, make-up working day before Spring Festival
        (date(2025, 1, 28), False),  # New Year's Eve, a Tuesday
        (date(2025, 2, 4), False),  # Tuesday, last day of the holiday
        (date(2025, 2, 5), True),
        (date(2025, 2, 8), True),  # Saturday, make-up working day
        (date(2025, 9, 28), True),  # Sunday, make-up working day before National Day
        (date(2025, 10, 8), False),  # Wednesday, National Day and Mid-Autumn
        (date(2025, 10, 11), True),  # Saturday, make-up working day
        (date(2026, 2, 14), True),  # Saturday, make-up working day
        (date(2026, 2, 23), False),  # Monday, last day of Spring Festival 2026
        (date(2026, 2, 28), True),  # Saturday, make-up working day
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),  # Saturday, make-up working day
        (date(2026, 11, 23), True),  # an ordinary Monday
        (date(2026, 11, 29), False),  # an ordinary Sunday
    ],
)
def test_business_days(cn: BusinessCalendar, day: date, business: bool) -> None:
    assert cn.is_business_day(day) is business


def test_the_shipped_schedules_have_the_official_day_counts(cn: BusinessCalendar) -> None:
    def days(year: int, kind: str) -> list[date]:
        return sorted(d for d, k in cn.overrides.items() if d.year == year and k == kind)

    # 2025: 1 + 8 + 3 + 5 + 3 + 8 days off; 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7.
    assert len(days(2025, "holiday")) == 28
    assert len(days(2026, "holiday")) == 33
    assert days(2025, "workday") == [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    ]
    assert days(2026, "workday") == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    assert all(d.weekday() >= 5 for y in (2025, 2026) for d in days(y, "workday"))


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Friday before Spring Festival 2025: Sun 26 (make-up) and Mon 27 work, then Feb 5.
        (cst(2025, 1, 24, 15), 1, cst(2025, 1, 26, 15)),
        (cst(2025, 1, 24, 15), 2, cst(2025, 1, 27, 15)),
        (cst(2025, 1, 24, 15), 3, cst(2025, 2, 5, 15)),
        # Started during the holiday: counts from 09:00 of the first working day, Feb 5.
        (cst(2025, 1, 30, 11), 1, cst(2025, 2, 6, 9)),
        (cst(2025, 1, 30, 11), 3, cst(2025, 2, 8, 9)),  # Saturday Feb 8 is worked
        # National Day and Mid-Autumn 2025 (Oct 1-8), make-up Sun Sep 28 and Sat Oct 11.
        (cst(2025, 9, 26, 10), 1, cst(2025, 9, 28, 10)),
        (cst(2025, 9, 30, 10), 1, cst(2025, 10, 9, 10)),
        (cst(2025, 9, 30, 10), 3, cst(2025, 10, 11, 10)),
        # Spring Festival 2026 (Feb 15-23), make-up Sat Feb 14 and Sat Feb 28.
        (cst(2026, 2, 13, 16), 1, cst(2026, 2, 14, 16)),
        (cst(2026, 2, 13, 16), 2, cst(2026, 2, 24, 16)),
        (cst(2026, 2, 21, 11), 1, cst(2026, 2, 25, 9)),
        # National Day 2026 (Oct 1-7), make-up Sat Oct 10.
        (cst(2026, 9, 30, 10), 3, cst(2026, 10, 10, 10)),
        # An ordinary week: Friday afternoon plus 3 is Wednesday afternoon.
        (cst(2026, 11, 20, 15), 3, cst(2026, 11, 25, 15)),
        (cst(2026, 11, 20, 15), 0, cst(2026, 11, 20, 15)),
    ],
)
def test_add_business_days(cn: BusinessCalendar, start: datetime, days: int, due: datetime) -> None:
    assert add_business_days(start, days, cn) == due
    # The model's invariant: from the (moved) start, exactly `days` business days elapse.
    assert business_time_between(business_start(start, cn), due, cn) == days * DAY


def test_business_time_skips_weekends_and_holidays_but_counts_make_up_days(
    cn: BusinessCalendar,
) -> None:
    # Fri Jan 24 2025 12:00 to Wed Feb 5 12:00: 12 h + Sun 26 + Mon 27 + 12 h.
    assert business_time_between(cst(2025, 1, 24, 12), cst(2025, 2, 5, 12), cn) == 72 * H
    # Entirely inside a holiday: nothing.
    assert business_time_between(cst(2026, 10, 2), cst(2026, 10, 6, 18), cn) == timedelta(0)
    # Backwards is negative.
    assert business_time_between(cst(2025, 2, 5, 12), cst(2025, 1, 24, 12), cn) == -72 * H


def test_adding_and_subtracting_business_time_are_inverse(cn: BusinessCalendar) -> None:
    start = cst(2026, 9, 30, 16)
    later = add_business_time(start, 20 * H, cn)
    assert later == cst(2026, 10, 8, 12)  # 8 h on Sep 30, nothing Oct 1-7, 12 h on Oct 8
    assert add_business_time(later, -20 * H, cn) == start
    # Going back from a holiday lands in the last business day before it.
    assert add_business_time(cst(2026, 10, 5, 12), -H, cn) == cst(2026, 9, 30, 23)
    # Zero moves nothing, even on a holiday.
    assert add_business_time(cst(2026, 10, 5, 12), timedelta(0), cn) == cst(2026, 10, 5, 12)


def test_without_a_calendar_only_weekends_are_off() -> None:
    plain = BusinessCalendar()
    # Spring Festival 2026 unknown to it: Friday Feb 13 + 2 = Tuesday Feb 17.
    assert add_business_days(cst(2026, 2, 13, 16), 2, plain) == cst(2026, 2, 17, 16)
    assert bizcal.is_business_day(date(2026, 2, 16), {}) is True


def test_a_calendar_without_business_days_is_refused() -> None:
    every_day_off = {date(2030, 1, 1) + timedelta(days=i): "holiday" for i in range(800)}
    broken = BusinessCalendar(every_day_off)
    with pytest.raises(CalendarBroken):
        add_business_days(cst(2030, 1, 2), 1, broken)
    with pytest.raises(CalendarBroken):
        add_business_time(cst(2031, 6, 1), -H, broken)
    with pytest.raises(ValueError, match="negative"):
        add_business_days(cst(2026, 1, 5), -1, BusinessCalendar())
