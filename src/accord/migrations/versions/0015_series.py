"""series and joint cases: discovered crime series with their cases and evidence, analysts'
hub marks, discovery runs; joint cases with members, consent-gated records and a thread

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.core.db import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "series_runs",
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("run_by", sa.String(length=80), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("series", sa.Integer(), nullable=False),
        sa.Column("hubs", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_runs")),
    )
    op.create_index(op.f("ix_series_runs_started_at"), "series_runs", ["started_at"], unique=False)
    op.create_table(
        "series",
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("agencies", sa.Integer(), nullable=False),
        sa.Column("cross_regional", sa.Boolean(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=True),
        sa.Column("last_date", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["series_runs.id"], name=op.f("fk_series_run_id_series_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
        sa.UniqueConstraint("key", name=op.f("uq_series_key")),
    )
    op.create_index(op.f("ix_series_cross_regional"), "series", ["cross_regional"], unique=False)
    op.create_index(op.f("ix_series_score"), "series", ["score"], unique=False)
    op.create_index(op.f("ix_series_size"), "series", ["size"], unique=False)
    op.create_index(op.f("ix_series_updated_at"), "series", ["updated_at"], unique=False)
    op.create_table(
        "series_identifier_marks",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("hub", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_series_identifier_marks_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_identifier_marks")),
    )
    op.create_index(
        "ix_series_identifier_marks_value",
        "series_identifier_marks",
        ["kind", "value"],
        unique=False,
    )
    op.create_table(
        "joint_cases",
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("series_id", sa.Uuid(), nullable=True),
        sa.Column("lead_agency_id", sa.Uuid(), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_agency_id"], ["agencies.id"], name=op.f("fk_joint_cases_lead_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_joint_cases_series_id_series")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_joint_cases_reference")),
    )
    op.create_index(op.f("ix_joint_cases_series_id"), "joint_cases", ["series_id"], unique=False)
    op.create_table(
        "series_cases",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("series_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("joined_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_series_cases_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["shared_records.id"],
            name=op.f("fk_series_cases_record_id_shared_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_series_cases_series_id_series")
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_series_cases")),
    )
    op.create_index(op.f("ix_series_cases_agency_id"), "series_cases", ["agency_id"], unique=False)
    op.create_index(op.f("ix_series_cases_series_id"), "series_cases", ["series_id"], unique=False)
    op.create_table(
        "series_evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("series_id", sa.Uuid(), nullable=False),
        sa.Column("left_id", sa.Uuid(), nullable=False),
        sa.Column("right_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["left_id"],
            ["shared_records.id"],
            name=op.f("fk_series_evidence_left_id_shared_records"),
        ),
        sa.ForeignKeyConstraint(
            ["right_id"],
            ["shared_records.id"],
            name=op.f("fk_series_evidence_right_id_shared_records"),
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["series.id"],
            name=op.f("fk_series_evidence_series_id_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_evidence")),
    )
    op.create_index(
        op.f("ix_series_evidence_series_id"), "series_evidence", ["series_id"], unique=False
    )
    op.create_index("ix_series_evidence_value", "series_evidence", ["kind", "value"], unique=False)
    op.create_table(
        "joint_case_messages",
        sa.Column("joint_case_id", sa.Uuid(), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("author_user_id", sa.Uuid(), nullable=True),
        sa.Column("agency_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_joint_case_messages_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["joint_case_id"],
            ["joint_cases.id"],
            name=op.f("fk_joint_case_messages_joint_case_id_joint_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_case_messages")),
    )
    op.create_index(
        op.f("ix_joint_case_messages_created_at"),
        "joint_case_messages",
        ["created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_joint_case_messages_joint_case_id"),
        "joint_case_messages",
        ["joint_case_id"],
        unique=False,
    )
    op.create_table(
        "joint_case_records",
        sa.Column("joint_case_id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("owner_agency_id", sa.Uuid(), nullable=False),
        sa.Column("release", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["joint_case_id"],
            ["joint_cases.id"],
            name=op.f("fk_joint_case_records_joint_case_id_joint_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_joint_case_records_owner_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["shared_records.id"],
            name=op.f("fk_joint_case_records_record_id_shared_records"),
        ),
        sa.PrimaryKeyConstraint("joint_case_id", "record_id", name=op.f("pk_joint_case_records")),
    )
    op.create_index(
        op.f("ix_joint_case_records_owner_agency_id"),
        "joint_case_records",
        ["owner_agency_id"],
        unique=False,
    )
    op.create_table(
        "joint_case_members",
        sa.Column("joint_case_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("joined_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_joint_case_members_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["joint_case_id"],
            ["joint_cases.id"],
            name=op.f("fk_joint_case_members_joint_case_id_joint_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["assistance_requests.id"],
            name=op.f("fk_joint_case_members_request_id_assistance_requests"),
        ),
        sa.PrimaryKeyConstraint("joint_case_id", "agency_id", name=op.f("pk_joint_case_members")),
    )


def downgrade() -> None:
    op.drop_table("joint_case_members")
    op.drop_index(op.f("ix_joint_case_records_owner_agency_id"), table_name="joint_case_records")
    op.drop_table("joint_case_records")
    op.drop_index(op.f("ix_joint_case_messages_joint_case_id"), table_name="joint_case_messages")
    op.drop_index(op.f("ix_joint_case_messages_created_at"), table_name="joint_case_messages")
    op.drop_table("joint_case_messages")
    op.drop_index("ix_series_evidence_value", table_name="series_evidence")
    op.drop_index(op.f("ix_series_evidence_series_id"), table_name="series_evidence")
    op.drop_table("series_evidence")
    op.drop_index(op.f("ix_series_cases_series_id"), table_name="series_cases")
    op.drop_index(op.f("ix_series_cases_agency_id"), table_name="series_cases")
    op.drop_table("series_cases")
    op.drop_index(op.f("ix_joint_cases_series_id"), table_name="joint_cases")
    op.drop_table("joint_cases")
    op.drop_index("ix_series_identifier_marks_value", table_name="series_identifier_marks")
    op.drop_table("series_identifier_marks")
    op.drop_index(op.f("ix_series_updated_at"), table_name="series")
    op.drop_index(op.f("ix_series_size"), table_name="series")
    op.drop_index(op.f("ix_series_score"), table_name="series")
    op.drop_index(op.f("ix_series_cross_regional"), table_name="series")
    op.drop_table("series")
    op.drop_index(op.f("ix_series_runs_started_at"), table_name="series_runs")
    op.drop_table("series_runs")
