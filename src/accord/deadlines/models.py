"""Business calendar days, SLA clocks and their reminders and escalations."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.core.db import Base, IdMixin, UTCDateTime
from accord.core.workflow import WorkflowMixin, status_column
from accord.deadlines.transitions import SlaStatus


class DayKind(StrEnum):
    """How a date departs from the Monday-to-Friday week."""

    HOLIDAY = "holiday"  # a day off, whatever its weekday
    WORKDAY = "workday"  # a make-up working day (调休上班), usually a Saturday or Sunday


class ClockPolicy(StrEnum):
    WALL = "wall"  # a budget of hours, counted around the clock
    BUSINESS = "business"  # a budget of business days (see accord.deadlines.calendar)


def _enum(cls: type[StrEnum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class CalendarDay(Base):
    """One date of the business calendar that is not an ordinary weekday or weekend day."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[DayKind] = mapped_column(_enum(DayKind))
    name_zh: Mapped[str] = mapped_column(String(100), default="")
    name_en: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(80))

    def name(self, locale: str) -> str:
        return (self.name_en if locale == "en" else self.name_zh) or self.name_zh


class SlaClock(IdMixin, WorkflowMixin, Base):
    """A deadline on some object of another domain, owed by one agency.

    `due_at` already includes every pause: resuming moves it on by the time paused (business
    time for a business clock), and `paused_total_seconds` sums those moves.
    """

    __tablename__ = "sla_clocks"

    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(40), default="deadline")
    agency_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agencies.id", ondelete="RESTRICT"), index=True
    )
    policy: Mapped[ClockPolicy] = mapped_column(_enum(ClockPolicy))
    budget_seconds: Mapped[int | None] = mapped_column(Integer)
    budget_days: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[SlaStatus] = status_column(SlaStatus)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_total_seconds: Mapped[int] = mapped_column(Integer, default=0)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    remind_before_seconds: Mapped[int | None] = mapped_column(Integer)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_to_agency_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("agencies.id", ondelete="RESTRICT")
    )
    # No foreign key yet: zones arrive with the next issue, whose migration may add one.
    escalated_to_zone_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    __table_args__ = (Index("ix_sla_clocks_object", "object_type", "object_id"),)
