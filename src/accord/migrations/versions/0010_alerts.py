"""alerts: alerts, the zones they are shared with, the candidate index, checks and clearances

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import accord.core.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_counter",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_alert_counter")),
    )
    op.create_table(
        "alert_keys",
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("alert_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("key", "alert_no", name=op.f("pk_alert_keys")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_alert_keys_alert_no"), "alert_keys", ["alert_no"], unique=False)
    op.create_table(
        "alert_checks",
        sa.Column("checked_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=True),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("case_ref", sa.String(length=64), nullable=True),
        sa.Column("probe", sa.JSON(), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_alert_checks_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_checks")),
    )
    op.create_index(
        op.f("ix_alert_checks_checked_at"), "alert_checks", ["checked_at"], unique=False
    )
    op.create_table(
        "alerts",
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("index_no", sa.Integer(), nullable=False),
        sa.Column(
            "alert_type",
            sa.Enum(
                "wanted_arrest",
                "wanted_locate",
                "missing_person",
                "discreet_check",
                "stolen_vehicle",
                "stolen_document",
                "drone",
                name="alerttype",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "subject_kind",
            sa.Enum(
                "person",
                "vehicle",
                "document",
                "drone",
                name="subjectkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "active",
                "fulfilled",
                "cancelled",
                "expired",
                name="alertstatus",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column(
            "priority",
            sa.Enum("urgent", "routine", name="priority", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("issuing_agency_id", sa.Uuid(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("action_on_hit", sa.Text(), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("handling_text", sa.String(length=200), nullable=True),
        sa.Column("misused_identity", sa.Boolean(), nullable=False),
        sa.Column("distinguishing_facts", sa.Text(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("expires_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("activated_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuing_agency_id"],
            ["agencies.id"],
            name=op.f("fk_alerts_issuing_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("index_no", name=op.f("uq_alerts_index_no")),
        sa.UniqueConstraint("ref", name=op.f("uq_alerts_ref")),
    )
    op.create_index(op.f("ix_alerts_alert_type"), "alerts", ["alert_type"], unique=False)
    op.create_index(
        op.f("ix_alerts_issuing_agency_id"), "alerts", ["issuing_agency_id"], unique=False
    )
    op.create_index(op.f("ix_alerts_review_on"), "alerts", ["review_on"], unique=False)
    op.create_index(op.f("ix_alerts_status"), "alerts", ["status"], unique=False)
    op.create_index("ix_alerts_status_expires_at", "alerts", ["status", "expires_at"], unique=False)
    op.create_table(
        "alert_clearances",
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("keys", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("cleared_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("cleared_by", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_alert_clearances_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_clearances_alert_id_alerts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_clearances")),
    )
    op.create_index(
        op.f("ix_alert_clearances_alert_id"), "alert_clearances", ["alert_id"], unique=False
    )
    op.create_table(
        "alert_zones",
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_zones_alert_id_alerts")
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_alert_zones_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("alert_id", "zone_id", name=op.f("pk_alert_zones")),
    )
    op.create_index(op.f("ix_alert_zones_zone_id"), "alert_zones", ["zone_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_alert_zones_zone_id"), table_name="alert_zones")
    op.drop_table("alert_zones")
    op.drop_index(op.f("ix_alert_clearances_alert_id"), table_name="alert_clearances")
    op.drop_table("alert_clearances")
    op.drop_index("ix_alerts_status_expires_at", table_name="alerts")
    op.drop_index(op.f("ix_alerts_status"), table_name="alerts")
    op.drop_index(op.f("ix_alerts_review_on"), table_name="alerts")
    op.drop_index(op.f("ix_alerts_issuing_agency_id"), table_name="alerts")
    op.drop_index(op.f("ix_alerts_alert_type"), table_name="alerts")
    op.drop_table("alerts")
    op.drop_index(op.f("ix_alert_checks_checked_at"), table_name="alert_checks")
    op.drop_table("alert_checks")
    op.drop_index(op.f("ix_alert_keys_alert_no"), table_name="alert_keys")
    op.drop_table("alert_keys")
    op.drop_table("alert_counter")
