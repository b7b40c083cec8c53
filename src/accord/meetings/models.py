"""Meetings, agenda items, attendance, decisions, action commands and progress reports."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.agencies.models import Agency
from accord.core.db import Base, IdMixin, TimestampMixin, UTCDateTime
from accord.core.workflow import WorkflowMixin, status_column
from accord.meetings.transitions import OPEN, CommandStatus, MeetingStatus
from accord.zones.models import Zone


class MeetingKind(StrEnum):
    REGULAR = "regular"
    EXTRAORDINARY = "extraordinary"


class AgendaItemStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


def _enum(kind: type[StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Meeting(IdMixin, TimestampMixin, WorkflowMixin, Base):
    """A regular or extraordinary joint meeting of a zone, hosted by a member (the chair)."""

    __tablename__ = "meetings"

    zone_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("zones.id"), index=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[MeetingKind] = mapped_column(_enum(MeetingKind))
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    location: Mapped[str] = mapped_column(String(300), default="")
    host_agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"))
    agenda_cutoff_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[MeetingStatus] = status_column(MeetingStatus)
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_by: Mapped[str | None] = mapped_column(String(80))
    minutes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))

    zone: Mapped[Zone] = relationship(lazy="joined")
    host: Mapped[Agency] = relationship(lazy="joined")
    participants: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", lazy="selectin", order_by="MeetingParticipant.position"
    )
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", lazy="selectin", order_by="AgendaItem.position"
    )

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_zh


class MeetingParticipant(IdMixin, Base):
    """A member agency invited to a meeting; `attended` is recorded by the secretariat."""

    __tablename__ = "meeting_participants"
    __table_args__ = (UniqueConstraint("meeting_id", "agency_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("meetings.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    attended: Mapped[bool | None] = mapped_column(Boolean)

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    agency: Mapped[Agency] = relationship(lazy="joined")


class AgendaItem(IdMixin, Base):
    """An item a member submitted for a meeting's agenda before the cut-off."""

    __tablename__ = "agenda_items"

    meeting_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("meetings.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"))
    submitted_by: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[AgendaItemStatus] = mapped_column(_enum(AgendaItemStatus))

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    agency: Mapped[Agency] = relationship(lazy="joined")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="item", lazy="selectin", order_by="Decision.decided_at"
    )


class Decision(IdMixin, Base):
    """What the meeting decided on one agenda item."""

    __tablename__ = "decisions"

    agenda_item_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agenda_items.id"), index=True
    )
    meeting_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("meetings.id"), index=True)
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str] = mapped_column(String(80))

    item: Mapped[AgendaItem] = relationship(back_populates="decisions")
    commands: Mapped[list[ActionCommand]] = relationship(
        back_populates="decision", lazy="selectin", order_by="ActionCommand.reference"
    )

    def text(self, locale: str) -> str:
        return (self.text_en or self.text_zh) if locale == "en" else self.text_zh


class ActionCommand(IdMixin, TimestampMixin, WorkflowMixin, Base):
    """A task a decision gives one member agency, with a deadline."""

    __tablename__ = "action_commands"

    decision_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("decisions.id"), index=True)
    zone_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("zones.id"), index=True)
    owner_agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"), index=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    description: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[CommandStatus] = status_column(CommandStatus)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The deadline whose passing the overdue sweep has announced (claimed by a conditional
    # UPDATE, so each deadline is announced once; an extension makes a new one to announce).
    overdue_notified_for: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    decision: Mapped[Decision] = relationship(back_populates="commands")
    owner: Mapped[Agency] = relationship(lazy="joined")
    progress: Mapped[list[CommandProgress]] = relationship(
        back_populates="command", lazy="selectin", order_by="CommandProgress.at"
    )
    extensions: Mapped[list[DeadlineExtension]] = relationship(
        back_populates="command", lazy="selectin", order_by="DeadlineExtension.at"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def overdue_at(self, now: datetime) -> bool:
        """Open and past its deadline."""
        return self.status in OPEN and self.deadline < now

    @property
    def done_late(self) -> bool:
        return self.status == CommandStatus.DONE and (
            self.done_at is not None and self.done_at > self.deadline
        )


class CommandProgress(IdMixin, Base):
    """A progress report on a command; files hang on it as attachments."""

    __tablename__ = "command_progress"

    command_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("action_commands.id"), index=True
    )
    agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agencies.id"))
    username: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    command: Mapped[ActionCommand] = relationship(back_populates="progress")


class DeadlineExtension(IdMixin, Base):
    """The secretariat moved a command's deadline, and said why."""

    __tablename__ = "deadline_extensions"

    command_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("action_commands.id"), index=True
    )
    old_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    new_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    command: Mapped[ActionCommand] = relationship(back_populates="extensions")
