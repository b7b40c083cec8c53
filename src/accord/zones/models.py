"""Zones, their members over time, and the chair's terms."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.agencies.models import Agency
from accord.core.db import Base, IdMixin, TimestampMixin, UTCDateTime


class CooperationField(StrEnum):
    INTELLIGENCE = "intelligence"
    COUNTER_TERRORISM = "counter_terrorism"
    CRIMINAL_INVESTIGATION = "criminal_investigation"
    PUBLIC_ORDER = "public_order"
    TRAFFIC = "traffic"
    TECHNOLOGY = "technology"
    DRUGS = "drugs"
    MONEY_LAUNDERING = "money_laundering"
    ILLEGAL_IMMIGRATION = "illegal_immigration"
    ENVIRONMENT = "environment"
    CYBERCRIME = "cybercrime"
    EMERGENCY = "emergency"


class Zone(IdMixin, TimestampMixin, Base):
    """A cooperation zone: member agencies under an agreement, led by a rotating chair."""

    __tablename__ = "zones"

    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    fields: Mapped[list[str]] = mapped_column(JSON)
    founded_on: Mapped[date] = mapped_column(Date)
    # The secretariat's host agency; it moves with the chair where the zone says so.
    secretariat_agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"))
    secretariat_follows_chair: Mapped[bool] = mapped_column(Boolean, default=True)
    chair_term_months: Mapped[int] = mapped_column(Integer, default=12)
    # Member agency ids in the order the chair passes; members not listed follow by code.
    rotation_order: Mapped[list[str]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)

    secretariat: Mapped[Agency] = relationship(lazy="joined")
    members: Mapped[list[ZoneMember]] = relationship(
        back_populates="zone", lazy="selectin", order_by="ZoneMember.joined_on"
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh


class ZoneMember(IdMixin, Base):
    """An agency's membership over a period. Leaving closes the period; history stays."""

    __tablename__ = "zone_members"

    zone_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("zones.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"), index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)

    zone: Mapped[Zone] = relationship(back_populates="members")
    agency: Mapped[Agency] = relationship(lazy="joined")

    def active_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


class ChairTerm(IdMixin, Base):
    """One member's term in the chair: [starts_on, ends_on) in Asia/Shanghai dates."""

    __tablename__ = "zone_chair_terms"

    zone_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("zones.id"))
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handed_over_by: Mapped[str | None] = mapped_column(String(80))

    agency: Mapped[Agency] = relationship(lazy="joined")

    __table_args__ = (Index("ix_zone_chair_terms_zone_start", "zone_id", "starts_on"),)
