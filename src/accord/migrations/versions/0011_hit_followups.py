"""hit follow-ups: hits reported from checks, the issuer's answer and the outcome

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import accord.core.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hit_followups",
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "reported",
                "claimed",
                "confirmed",
                "refused",
                "closed",
                name="followupstatus",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("check_id", sa.Uuid(), nullable=False),
        sa.Column("finding_agency_id", sa.Uuid(), nullable=False),
        sa.Column("issuing_agency_id", sa.Uuid(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("candidate", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reported_by", sa.String(length=80), nullable=False),
        sa.Column("reported_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("reported_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claimed_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("claimed_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(length=80), nullable=True),
        sa.Column("answered_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("action_to_take", sa.Text(), nullable=True),
        sa.Column("distinguishing_facts", sa.Text(), nullable=True),
        sa.Column("clearance_id", sa.Uuid(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "carried_out",
                "not_carried_out",
                name="outcome",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("discreet_report", sa.JSON(), nullable=True),
        sa.Column("outcome_by", sa.String(length=80), nullable=True),
        sa.Column("outcome_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_hit_followups_alert_id_alerts")
        ),
        sa.ForeignKeyConstraint(
            ["check_id"], ["alert_checks.id"], name=op.f("fk_hit_followups_check_id_alert_checks")
        ),
        sa.ForeignKeyConstraint(
            ["finding_agency_id"],
            ["agencies.id"],
            name=op.f("fk_hit_followups_finding_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["issuing_agency_id"],
            ["agencies.id"],
            name=op.f("fk_hit_followups_issuing_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hit_followups")),
        sa.UniqueConstraint("check_id", "alert_id", name=op.f("uq_hit_followups_check_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_hit_followups_reference")),
    )
    op.create_index(op.f("ix_hit_followups_alert_id"), "hit_followups", ["alert_id"], unique=False)
    op.create_index(op.f("ix_hit_followups_check_id"), "hit_followups", ["check_id"], unique=False)
    op.create_index(
        op.f("ix_hit_followups_finding_agency_id"),
        "hit_followups",
        ["finding_agency_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_hit_followups_issuing_agency_id"),
        "hit_followups",
        ["issuing_agency_id"],
        unique=False,
    )
    op.create_index(op.f("ix_hit_followups_status"), "hit_followups", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_hit_followups_status"), table_name="hit_followups")
    op.drop_index(op.f("ix_hit_followups_issuing_agency_id"), table_name="hit_followups")
    op.drop_index(op.f("ix_hit_followups_finding_agency_id"), table_name="hit_followups")
    op.drop_index(op.f("ix_hit_followups_check_id"), table_name="hit_followups")
    op.drop_index(op.f("ix_hit_followups_alert_id"), table_name="hit_followups")
    op.drop_table("hit_followups")
