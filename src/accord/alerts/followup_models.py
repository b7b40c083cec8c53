"""Hit follow-ups: a hit reported from a check, answered by the alert's issuing agency.

One row per (check, alert) reported. The issuer's answer, the finding agency's outcome and,
for a discreet-check alert, the structured report (place and time, route and destination,
vehicle, companions, items carried: `DiscreetReport` in followup_schemas) are kept on the row.
The report is JSON because it is read and printed whole, never queried by its parts.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.agencies.models import Agency
from accord.alerts.followup_transitions import FollowUpStatus, Outcome
from accord.alerts.models import Alert, Check
from accord.core.db import Base, IdMixin, TimestampMixin, UTCDateTime
from accord.core.workflow import WorkflowMixin, status_column


class HitFollowUp(IdMixin, TimestampMixin, WorkflowMixin, Base):
    """A reported hit and its answer, with the SLA clock (deadlines) owed by the issuer."""

    __tablename__ = "hit_followups"
    __table_args__ = (UniqueConstraint("check_id", "alert_id"),)

    reference: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[FollowUpStatus] = status_column(FollowUpStatus)
    alert_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("alerts.id"), index=True)
    check_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("alert_checks.id"), index=True)
    finding_agency_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agencies.id"), index=True
    )
    # The alert's issuer when the hit was reported (copied so lists need no join).
    issuing_agency_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agencies.id"), index=True
    )
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # The candidate as the check showed it (band, score, explanation), kept as reported.
    candidate: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str] = mapped_column(String(80))
    # No foreign key: actors of the API-token and system paths have no user row.
    reported_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by: Mapped[str | None] = mapped_column(String(80))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    action_to_take: Mapped[str | None] = mapped_column(Text)
    distinguishing_facts: Mapped[str | None] = mapped_column(Text)
    clearance_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    outcome: Mapped[Outcome | None] = mapped_column(
        Enum(
            Outcome,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    discreet_report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    outcome_by: Mapped[str | None] = mapped_column(String(80))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    alert: Mapped[Alert] = relationship(lazy="joined")
    check: Mapped[Check] = relationship(lazy="joined")
    finding_agency: Mapped[Agency] = relationship(lazy="joined", foreign_keys=[finding_agency_id])
    issuing_agency: Mapped[Agency] = relationship(lazy="joined", foreign_keys=[issuing_agency_id])
