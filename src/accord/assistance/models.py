"""Assistance requests, their messages with read receipts, and the history of their moves.

A request to a whole zone is a parent row (no addressee) whose children, one per member,
point to it by `parent_id` (FHIR `partOf`). A forward to a third agency is a new request with
`forwarded_from_id`. Every request of one exchange shares the `thread_id` of the first, so the
thread and the linked-requests view are one indexed lookup. `case_key` is the case reference
normalised (case, blanks, full-width forms), so one case is found across agencies' spellings.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.agencies.models import Agency
from accord.assistance.transitions import RequestStatus
from accord.core.db import Base, IdMixin, TimestampMixin, UTCDateTime
from accord.core.workflow import WorkflowMixin, status_column


class AssistanceRequest(IdMixin, TimestampMixin, WorkflowMixin, Base):
    __tablename__ = "assistance_requests"
    __table_args__ = (
        Index("ix_assistance_requests_requester_status", "requesting_agency_id", "status"),
        Index("ix_assistance_requests_handler_status", "handling_agency_id", "status"),
    )

    reference: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[RequestStatus] = status_column(RequestStatus)
    thread_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("assistance_requests.id"), index=True
    )
    forwarded_from_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("assistance_requests.id"), index=True
    )
    # Set on a request to a whole zone (the parent) and on its children.
    zone_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("zones.id"), index=True)
    zone_mode: Mapped[str | None] = mapped_column(String(20))
    # Claim mode: the member whose claim won, set once by a compare-and-set on the parent.
    claimed_by_agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agencies.id"))
    request_type: Mapped[str] = mapped_column(String(40), index=True)
    urgency: Mapped[str] = mapped_column(String(10))
    requesting_agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"))
    requested_by: Mapped[str] = mapped_column(String(80))
    # No foreign key: actors of the API-token and system paths have no user row.
    requested_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The agency asked (None for a zone parent), and the one working on it now: the addressee
    # or, after a reassignment inside the receiving agency, one of its subordinates.
    addressee_agency_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("agencies.id"), index=True
    )
    handling_agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agencies.id"))
    handling_unit: Mapped[str] = mapped_column(String(200), default="")
    handled_by: Mapped[str | None] = mapped_column(String(80))
    handled_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    case_reference: Mapped[str] = mapped_column(String(100), default="")
    case_key: Mapped[str] = mapped_column(String(100), default="", index=True)
    # [{"kind": "person"|"vehicle"|"phone"|"account", "value": ..., "name": ..., ...}]
    subjects: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    handling_code: Mapped[str] = mapped_column(String(2), default="H0")
    handling_text: Mapped[str | None] = mapped_column(String(200))
    source_reliability: Mapped[str | None] = mapped_column(String(1))
    information_accuracy: Mapped[str | None] = mapped_column(String(1))
    followup_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("hit_followups.id"), unique=True
    )
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The reason of the last reject, hold or cancel.
    status_reason: Mapped[str] = mapped_column(Text, default="")
    outcome_code: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(Text, default="")

    requesting_agency: Mapped[Agency] = relationship(
        lazy="joined", foreign_keys=[requesting_agency_id]
    )
    addressee_agency: Mapped[Agency | None] = relationship(
        lazy="joined", foreign_keys=[addressee_agency_id]
    )
    handling_agency: Mapped[Agency | None] = relationship(
        lazy="joined", foreign_keys=[handling_agency_id]
    )

    @property
    def is_zone_parent(self) -> bool:
        return self.zone_id is not None and self.addressee_agency_id is None


class AssistanceMessage(IdMixin, Base):
    """One message on a request's thread: a note, or a forwarding permission asked or answered."""

    __tablename__ = "assistance_messages"

    request_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("assistance_requests.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30), default="note")
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"))
    author: Mapped[str] = mapped_column(String(80))
    author_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    body: Mapped[str] = mapped_column(Text, default="")
    # A permission request names the third agency; its answer points back to it.
    target_agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agencies.id"))
    answers_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("assistance_messages.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    agency: Mapped[Agency] = relationship(lazy="joined", foreign_keys=[agency_id])
    target_agency: Mapped[Agency | None] = relationship(
        lazy="joined", foreign_keys=[target_agency_id]
    )


class MessageRead(Base):
    """A read receipt: who read a message, for which agency, and when (the first time)."""

    __tablename__ = "assistance_message_reads"
    __table_args__ = (UniqueConstraint("message_id", "user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    message_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("assistance_messages.id"), index=True
    )
    user_key: Mapped[str] = mapped_column(String(80))
    username: Mapped[str] = mapped_column(String(80))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agencies.id"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RequestEvent(IdMixin, Base):
    """One move of a request, in order: the timeline on its page and the history the load
    benchmark checks against the status table. The audit log holds the same, chained."""

    __tablename__ = "assistance_events"

    request_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("assistance_requests.id"), index=True
    )
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(80))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())
