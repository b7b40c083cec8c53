"""Agencies and their public contact points."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.core.db import Base, IdMixin, TimestampMixin


class Level(StrEnum):
    """Where an agency stands in the tree. Foreign police are roots of their own."""

    MINISTRY = "ministry"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    STATION = "station"
    FOREIGN_NATIONAL = "foreign_national"
    FOREIGN_CAPITAL = "foreign_capital"


# Which levels may stand directly under which: a station under a county bureau, and so on.
ALLOWED_PARENTS: dict[Level, frozenset[Level | None]] = {
    Level.MINISTRY: frozenset({None}),
    Level.PROVINCE: frozenset({Level.MINISTRY}),
    Level.CITY: frozenset({Level.PROVINCE}),
    Level.COUNTY: frozenset({Level.CITY, Level.PROVINCE}),
    Level.STATION: frozenset({Level.COUNTY, Level.CITY}),
    Level.FOREIGN_NATIONAL: frozenset({None}),
    Level.FOREIGN_CAPITAL: frozenset({None, Level.FOREIGN_NATIONAL}),
}


class ContactKind(StrEnum):
    DUTY_DESK = "duty_desk"
    LIAISON = "liaison"
    ACTING_LIAISON = "acting_liaison"


class Agency(IdMixin, TimestampMixin, Base):
    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    prefix: Mapped[str] = mapped_column(String(12), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    level: Mapped[Level] = mapped_column(
        Enum(Level, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("agencies.id", ondelete="RESTRICT"), index=True
    )
    country: Mapped[str] = mapped_column(String(2), default="CN")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    jurisdiction: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    parent: Mapped[Agency | None] = relationship(remote_side="Agency.id", lazy="joined")
    contacts: Mapped[list[AgencyContact]] = relationship(
        back_populates="agency",
        cascade="all, delete-orphan",
        order_by="AgencyContact.position",
        lazy="selectin",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy reads it as is)

    def name(self, locale: str) -> str:
        """The agency's name in `locale` (Chinese unless English is asked for)."""
        return self.name_en if locale == "en" else self.name_zh


class AgencyContact(IdMixin, Base):
    """A public contact point: the 24/7 duty desk, the liaison officer, an acting liaison."""

    __tablename__ = "agency_contacts"

    agency_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[ContactKind] = mapped_column(
        Enum(
            ContactKind,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    label_zh: Mapped[str] = mapped_column(String(200), default="")
    label_en: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    fax: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    hours: Mapped[str] = mapped_column(String(40), default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    agency: Mapped[Agency] = relationship(back_populates="contacts")

    def label(self, locale: str) -> str:
        return (self.label_en if locale == "en" else self.label_zh) or self.label_zh
