"""Series, their cases and the evidence that links them; analysts' hub marks; discovery runs;
joint cases with their members, records (released only with the owner's consent) and thread.

A case (an `Event` record) is in at most one series. `SeriesEvidence` keeps each link the
discovery used: two cases and the identifier they share (a person cluster key, a phone, an
account number, a plate, an address key), the page's evidence paths. `IdentifierMark` is the
analysts' append-only log of hub marks; the latest mark on an identifier is in force.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.core.db import Base, IdMixin, UTCDateTime


class SeriesRun(IdMixin, Base):
    __tablename__ = "series_runs"

    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mode: Mapped[str] = mapped_column(String(12))  # full | incremental
    run_by: Mapped[str] = mapped_column(String(80))
    cases: Mapped[int] = mapped_column(Integer, default=0)
    series: Mapped[int] = mapped_column(Integer, default=0)
    hubs: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class Series(IdMixin, Base):
    __tablename__ = "series"

    key: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | dissolved
    score: Mapped[float] = mapped_column(Float, default=0.0, index=True)
    size: Mapped[int] = mapped_column(Integer, default=0, index=True)
    agencies: Mapped[int] = mapped_column(Integer, default=0)
    cross_regional: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    first_date: Mapped[date | None] = mapped_column(Date)
    last_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("series_runs.id"))


class SeriesCase(Base):
    __tablename__ = "series_cases"

    record_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("shared_records.id", ondelete="CASCADE"), primary_key=True
    )
    series_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("series.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SeriesEvidence(Base):
    __tablename__ = "series_evidence"
    __table_args__ = (Index("ix_series_evidence_value", "kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    series_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("series.id", ondelete="CASCADE"), index=True
    )
    left_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("shared_records.id"))
    right_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("shared_records.id"))
    kind: Mapped[str] = mapped_column(String(10))  # person | phone | account | plate | address
    value: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(Float, default=1.0)


class IdentifierMark(IdMixin, Base):
    """An analyst marks an identifier as a hub (it links nothing) or unmarks it."""

    __tablename__ = "series_identifier_marks"
    __table_args__ = (Index("ix_series_identifier_marks_value", "kind", "value"),)

    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(200))
    hub: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    username: Mapped[str] = mapped_column(String(80))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agencies.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class JointCase(IdMixin, Base):
    __tablename__ = "joint_cases"

    reference: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    series_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("series.id"), index=True)
    lead_agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"))
    handling_code: Mapped[str] = mapped_column(String(2), default="H0")
    created_by: Mapped[str] = mapped_column(String(80))
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(80))
    outcome: Mapped[str | None] = mapped_column(Text)  # the lead's closing summary


class JointCaseMember(Base):
    __tablename__ = "joint_case_members"

    joint_case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("joint_cases.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))  # lead | member
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The assistance request pre-filled to this member when the case was opened.
    request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("assistance_requests.id"))


class JointCaseRecord(Base):
    """A record attached to a joint case. Another agency's record reaches the members only once
    its owner agrees: `release` pending -> granted | refused (`own` for the lead's records)."""

    __tablename__ = "joint_case_records"

    joint_case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("joint_cases.id", ondelete="CASCADE"), primary_key=True
    )
    record_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("shared_records.id"), primary_key=True
    )
    owner_agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"), index=True)
    release: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(300))


class JointCaseMessage(IdMixin, Base):
    __tablename__ = "joint_case_messages"

    joint_case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("joint_cases.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(80))
    author_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agencies.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
