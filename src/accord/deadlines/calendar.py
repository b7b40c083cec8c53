"""Business-time arithmetic over the Chinese business calendar (dates in Asia/Shanghai).

The model, in two sentences: business time is the time that falls on business days, a business
day counting all 24 hours of its local date (Monday to Friday, minus public holidays, plus the
make-up working days on weekends); weekends and holidays count nothing. A budget of N business
days is N × 24 business hours from the start, and a start on a non-business day is moved to
09:00 of the next business day, so the deadline falls at the same local time on the Nth
business day after the (moved) start.

So a request received on Friday 15:00 with 3 business days is due on Wednesday 15:00, one
received on Saturday is due at 09:00 on the third business day after Monday. Pausing a
business clock moves its deadline on by the business time the pause lasted: a pause over a
public holiday costs nothing. Wall-clock budgets need none of this and are plain hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")
OPENING = time(9, 0)
DAY = timedelta(days=1)
HOLIDAY = "holiday"
WORKDAY = "workday"
# The longest run of non-business days we will walk through before calling the calendar broken
# (the longest real one, Spring Festival with its weekends, is about ten days).
MAX_DAYS_WITHOUT_BUSINESS = 366


class CalendarBroken(ValueError):
    """The calendar has no business day for a year: every date is marked a holiday."""


def is_business_day(day: date, overrides: Mapping[date, str]) -> bool:
    """Whether `day` is worked: a listed holiday is not, a listed make-up workday is, and
    otherwise Monday to Friday are."""
    kind = overrides.get(day)
    if kind == HOLIDAY:
        return False
    if kind == WORKDAY:
        return True
    return day.weekday() < 5


@dataclass(frozen=True)
class BusinessCalendar:
    """The dates that depart from the ordinary week: date -> "holiday" or "workday"."""

    overrides: Mapping[date, str] = field(default_factory=dict)

    def is_business_day(self, day: date) -> bool:
        return is_business_day(day, self.overrides)

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after `day`."""
        for step in range(1, MAX_DAYS_WITHOUT_BUSINESS + 1):
            candidate = day + timedelta(days=step)
            if self.is_business_day(candidate):
                return candidate
        raise CalendarBroken(f"no business day within a year after {day}")


def local_date(at: datetime) -> date:
    return at.astimezone(BUSINESS_TZ).date()


def _midnight(day: date) -> datetime:
    """The instant (UTC) at which local date `day` begins."""
    return datetime.combine(day, time(0), BUSINESS_TZ).astimezone(UTC)


def business_start(at: datetime, cal: BusinessCalendar) -> datetime:
    """When a clock started at `at` starts counting: `at` itself on a business day, else 09:00
    of the next business day."""
    day = local_date(at)
    if cal.is_business_day(day):
        return at.astimezone(UTC)
    opening = datetime.combine(cal.next_business_day(day), OPENING, BUSINESS_TZ)
    return opening.astimezone(UTC)


def business_time_between(a: datetime, b: datetime, cal: BusinessCalendar) -> timedelta:
    """The business time from `a` to `b` (negative if `b` is before `a`)."""
    if b < a:
        return -business_time_between(b, a, cal)
    total = timedelta(0)
    cursor = a.astimezone(UTC)
    end = b.astimezone(UTC)
    while cursor < end:
        day = local_date(cursor)
        day_end = min(_midnight(day + DAY), end)
        if cal.is_business_day(day):
            total += day_end - cursor
        cursor = day_end
    return total


def add_business_time(at: datetime, amount: timedelta, cal: BusinessCalendar) -> datetime:
    """The earliest instant that lies `amount` of business time after `at` (before, if negative).

    When the sum ends exactly where a business day ends, that midnight is the answer.
    """
    if amount == timedelta(0):
        return at.astimezone(UTC)
    if amount < timedelta(0):
        return _subtract_business_time(at, -amount, cal)
    remaining = amount
    cursor = at.astimezone(UTC)
    idle = 0
    while True:
        day = local_date(cursor)
        day_end = _midnight(day + DAY)
        if cal.is_business_day(day):
            idle = 0
            available = day_end - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
        else:
            idle += 1
            if idle > MAX_DAYS_WITHOUT_BUSINESS:
                raise CalendarBroken(f"no business day within a year after {day}")
        cursor = day_end


def _subtract_business_time(at: datetime, amount: timedelta, cal: BusinessCalendar) -> datetime:
    remaining = amount
    cursor = at.astimezone(UTC)
    idle = 0
    while True:
        # The time just before `cursor` belongs to this date (at midnight, to the day before).
        day = local_date(cursor - timedelta(microseconds=1))
        day_start = _midnight(day)
        if cal.is_business_day(day):
            idle = 0
            available = cursor - day_start
            if remaining <= available:
                return cursor - remaining
            remaining -= available
        else:
            idle += 1
            if idle > MAX_DAYS_WITHOUT_BUSINESS:
                raise CalendarBroken(f"no business day within a year before {day}")
        cursor = day_start


def add_business_days(start: datetime, days: int, cal: BusinessCalendar) -> datetime:
    """The deadline of a budget of `days` business days starting at `start` (see the module)."""
    if days < 0:
        raise ValueError("a budget of business days cannot be negative")
    return add_business_time(business_start(start, cal), days * DAY, cal)
