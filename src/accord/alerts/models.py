"""Alerts, the zones they are shared with, their candidate index, checks and clearances.

The candidate index (`alert_keys`) lives in the database so that every app process and the
worker share it: one row per blocking key of an alert, the key hashed to 64 bits and the alert
named by its compact `index_no`. Whether an alert may hit (active, not expired) is decided at
query time from the `alerts` row, never from the index, so a cancellation or an expiry takes
effect at once.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.agencies.models import Agency
from accord.alerts.kinds import AlertType, Priority, SubjectKind
from accord.alerts.transitions import AlertStatus
from accord.core.db import Base, IdMixin, TimestampMixin, UTCDateTime
from accord.core.workflow import WorkflowMixin, status_column


def _enum(kind: type[Any], length: int = 20) -> Enum:
    return Enum(
        kind, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class Alert(IdMixin, TimestampMixin, WorkflowMixin, Base):
    """One agency's alert: who or what is sought, why, and what to do on a hit."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_status_expires_at", "status", "expires_at"),
        # Lists show an agency's alerts newest first.
        Index("ix_alerts_issuing_agency_id_created_at", "issuing_agency_id", "created_at"),
    )

    ref: Mapped[str] = mapped_column(String(64), unique=True)
    index_no: Mapped[int] = mapped_column(Integer, unique=True)
    alert_type: Mapped[AlertType] = mapped_column(_enum(AlertType), index=True)
    subject_kind: Mapped[SubjectKind] = mapped_column(_enum(SubjectKind))
    status: Mapped[AlertStatus] = status_column(AlertStatus)
    priority: Mapped[Priority] = mapped_column(_enum(Priority))
    issuing_agency_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agencies.id"), index=True
    )
    contact: Mapped[str] = mapped_column(String(200), default="")
    label: Mapped[str] = mapped_column(String(300))
    subject: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The subject's names as the matching engine reads them (`names.reading_to_data`), kept so
    # that a check does not romanise every candidate's names again.
    readings: Mapped[list[Any] | None] = mapped_column(JSON)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    action_on_hit: Mapped[str] = mapped_column(Text, default="")
    handling_code: Mapped[str] = mapped_column(String(2), default="H0")
    handling_text: Mapped[str | None] = mapped_column(String(200))
    misused_identity: Mapped[bool] = mapped_column(Boolean, default=False)
    distinguishing_facts: Mapped[str] = mapped_column(Text, default="")
    review_on: Mapped[date | None] = mapped_column(Date, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))

    issuer: Mapped[Agency] = relationship(lazy="joined")
    zones: Mapped[list[AlertZone]] = relationship(
        back_populates="alert", lazy="selectin", cascade="all, delete-orphan"
    )

    @property
    def zone_ids(self) -> list[uuid.UUID]:
        return [z.zone_id for z in self.zones]


class AlertZone(Base):
    """A zone an alert is shared with (its members check against it, under the zone's rules)."""

    __tablename__ = "alert_zones"

    alert_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("alerts.id"), primary_key=True)
    zone_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("zones.id"), primary_key=True, index=True
    )

    alert: Mapped[Alert] = relationship(back_populates="zones")


class AlertKey(Base):
    """One blocking key of an alert: a check looks up its own keys and scores what they name."""

    __tablename__ = "alert_keys"
    __table_args__ = ({"sqlite_with_rowid": False},)

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    alert_no: Mapped[int] = mapped_column(
        Integer, primary_key=True, autoincrement=False, index=True
    )


class AlertCounter(Base):
    """Hands out `Alert.index_no` in blocks, one `UPDATE ... RETURNING` per block."""

    __tablename__ = "alert_counter"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Check(IdMixin, Base):
    """An officer's check of one person or object, kept so that a hit can be reported from it."""

    __tablename__ = "alert_checks"

    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    username: Mapped[str] = mapped_column(String(80))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agencies.id"))
    purpose: Mapped[str] = mapped_column(String(300))
    case_ref: Mapped[str | None] = mapped_column(String(64))
    probe: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[str] = mapped_column(String(10))
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class Clearance(IdMixin, Base):
    """A person found not to be an alert's subject, remembered by what cleared them.

    `keys` are the identifiers that told them apart (resident ID, passport, or name with birth
    date), in the blocking-key form, so the next check of the same person shows "cleared on
    DATE by AGENCY" instead of a new hit.
    """

    __tablename__ = "alert_clearances"

    alert_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("alerts.id"), index=True)
    keys: Mapped[list[str]] = mapped_column(JSON)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    cleared_at: Mapped[datetime] = mapped_column(UTCDateTime())
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"))
    cleared_by: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")
    source_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    agency: Mapped[Agency] = relationship(lazy="joined")
