"""assistance requests: requests between agencies and to zones, their messages with read
receipts, and the history of their moves

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.core.db import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assistance_requests",
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "requested",
                "received",
                "accepted",
                "rejected",
                "in_progress",
                "on_hold",
                "completed",
                "cancelled",
                name="requeststatus",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("thread_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("forwarded_from_id", sa.Uuid(), nullable=True),
        sa.Column("zone_id", sa.Uuid(), nullable=True),
        sa.Column("zone_mode", sa.String(length=20), nullable=True),
        sa.Column("claimed_by_agency_id", sa.Uuid(), nullable=True),
        sa.Column("request_type", sa.String(length=40), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("requesting_agency_id", sa.Uuid(), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("requested_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("addressee_agency_id", sa.Uuid(), nullable=True),
        sa.Column("handling_agency_id", sa.Uuid(), nullable=True),
        sa.Column("handling_unit", sa.String(length=200), nullable=False),
        sa.Column("handled_by", sa.String(length=80), nullable=True),
        sa.Column("handled_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("case_reference", sa.String(length=100), nullable=False),
        sa.Column("case_key", sa.String(length=100), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("handling_text", sa.String(length=200), nullable=True),
        sa.Column("source_reliability", sa.String(length=1), nullable=True),
        sa.Column("information_accuracy", sa.String(length=1), nullable=True),
        sa.Column("followup_id", sa.Uuid(), nullable=True),
        sa.Column("requested_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("outcome_code", sa.String(length=20), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["addressee_agency_id"],
            ["agencies.id"],
            name=op.f("fk_assistance_requests_addressee_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by_agency_id"],
            ["agencies.id"],
            name=op.f("fk_assistance_requests_claimed_by_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["followup_id"],
            ["hit_followups.id"],
            name=op.f("fk_assistance_requests_followup_id_hit_followups"),
        ),
        sa.ForeignKeyConstraint(
            ["forwarded_from_id"],
            ["assistance_requests.id"],
            name=op.f("fk_assistance_requests_forwarded_from_id_assistance_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["handling_agency_id"],
            ["agencies.id"],
            name=op.f("fk_assistance_requests_handling_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["assistance_requests.id"],
            name=op.f("fk_assistance_requests_parent_id_assistance_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["requesting_agency_id"],
            ["agencies.id"],
            name=op.f("fk_assistance_requests_requesting_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_assistance_requests_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_requests")),
        sa.UniqueConstraint("followup_id", name=op.f("uq_assistance_requests_followup_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_assistance_requests_reference")),
    )
    op.create_index(
        op.f("ix_assistance_requests_addressee_agency_id"),
        "assistance_requests",
        ["addressee_agency_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_assistance_requests_case_key"), "assistance_requests", ["case_key"], unique=False
    )
    op.create_index(
        op.f("ix_assistance_requests_forwarded_from_id"),
        "assistance_requests",
        ["forwarded_from_id"],
        unique=False,
    )
    op.create_index(
        "ix_assistance_requests_handler_status",
        "assistance_requests",
        ["handling_agency_id", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_assistance_requests_parent_id"), "assistance_requests", ["parent_id"], unique=False
    )
    op.create_index(
        op.f("ix_assistance_requests_request_type"),
        "assistance_requests",
        ["request_type"],
        unique=False,
    )
    op.create_index(
        op.f("ix_assistance_requests_requested_at"),
        "assistance_requests",
        ["requested_at"],
        unique=False,
    )
    op.create_index(
        "ix_assistance_requests_requester_status",
        "assistance_requests",
        ["requesting_agency_id", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_assistance_requests_status"), "assistance_requests", ["status"], unique=False
    )
    op.create_index(
        op.f("ix_assistance_requests_thread_id"), "assistance_requests", ["thread_id"], unique=False
    )
    op.create_index(
        op.f("ix_assistance_requests_zone_id"), "assistance_requests", ["zone_id"], unique=False
    )
    op.create_table(
        "assistance_events",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["assistance_requests.id"],
            name=op.f("fk_assistance_events_request_id_assistance_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_events")),
    )
    op.create_index(
        op.f("ix_assistance_events_request_id"), "assistance_events", ["request_id"], unique=False
    )
    op.create_table(
        "assistance_messages",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("author_user_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("target_agency_id", sa.Uuid(), nullable=True),
        sa.Column("answers_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_assistance_messages_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["answers_id"],
            ["assistance_messages.id"],
            name=op.f("fk_assistance_messages_answers_id_assistance_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["assistance_requests.id"],
            name=op.f("fk_assistance_messages_request_id_assistance_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["target_agency_id"],
            ["agencies.id"],
            name=op.f("fk_assistance_messages_target_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_messages")),
    )
    op.create_index(
        op.f("ix_assistance_messages_request_id"),
        "assistance_messages",
        ["request_id"],
        unique=False,
    )
    op.create_table(
        "assistance_message_reads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("user_key", sa.String(length=80), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=True),
        sa.Column("read_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_assistance_message_reads_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["assistance_messages.id"],
            name=op.f("fk_assistance_message_reads_message_id_assistance_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_message_reads")),
        sa.UniqueConstraint(
            "message_id", "user_key", name=op.f("uq_assistance_message_reads_message_id")
        ),
    )
    op.create_index(
        op.f("ix_assistance_message_reads_message_id"),
        "assistance_message_reads",
        ["message_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_assistance_message_reads_message_id"), table_name="assistance_message_reads"
    )
    op.drop_table("assistance_message_reads")
    op.drop_index(op.f("ix_assistance_messages_request_id"), table_name="assistance_messages")
    op.drop_table("assistance_messages")
    op.drop_index(op.f("ix_assistance_events_request_id"), table_name="assistance_events")
    op.drop_table("assistance_events")
    op.drop_index(op.f("ix_assistance_requests_zone_id"), table_name="assistance_requests")
    op.drop_index(op.f("ix_assistance_requests_thread_id"), table_name="assistance_requests")
    op.drop_index(op.f("ix_assistance_requests_status"), table_name="assistance_requests")
    op.drop_index("ix_assistance_requests_requester_status", table_name="assistance_requests")
    op.drop_index(op.f("ix_assistance_requests_requested_at"), table_name="assistance_requests")
    op.drop_index(op.f("ix_assistance_requests_request_type"), table_name="assistance_requests")
    op.drop_index(op.f("ix_assistance_requests_parent_id"), table_name="assistance_requests")
    op.drop_index("ix_assistance_requests_handler_status", table_name="assistance_requests")
    op.drop_index(
        op.f("ix_assistance_requests_forwarded_from_id"), table_name="assistance_requests"
    )
    op.drop_index(op.f("ix_assistance_requests_case_key"), table_name="assistance_requests")
    op.drop_index(
        op.f("ix_assistance_requests_addressee_agency_id"), table_name="assistance_requests"
    )
    op.drop_table("assistance_requests")
