"""workflow kernel: business calendar, SLA clocks, idempotency keys

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import accord.core.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("holiday", "workday", name="daykind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("updated_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )

    op.create_table(
        "sla_clocks",
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column(
            "policy",
            sa.Enum("wall", "business", name="clockpolicy", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("budget_seconds", sa.Integer(), nullable=True),
        sa.Column("budget_days", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("running", "paused", "stopped", name="slastatus", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("started_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paused_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paused_total_seconds", sa.Integer(), nullable=False),
        sa.Column("stopped_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("remind_before_seconds", sa.Integer(), nullable=True),
        sa.Column("remind_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_to_agency_id", sa.Uuid(), nullable=True),
        sa.Column("escalated_to_zone_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_sla_clocks_agency_id_agencies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["escalated_to_agency_id"],
            ["agencies.id"],
            name=op.f("fk_sla_clocks_escalated_to_agency_id_agencies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_clocks")),
    )
    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sla_clocks_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sla_clocks_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sla_clocks_remind_at"), ["remind_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sla_clocks_status"), ["status"], unique=False)
        batch_op.create_index("ix_sla_clocks_object", ["object_type", "object_id"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("actor_key", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=True),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("actor_key", "key", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_keys_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_expires_at"))
    op.drop_table("idempotency_keys")

    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_clocks_object")
        batch_op.drop_index(batch_op.f("ix_sla_clocks_status"))
        batch_op.drop_index(batch_op.f("ix_sla_clocks_remind_at"))
        batch_op.drop_index(batch_op.f("ix_sla_clocks_due_at"))
        batch_op.drop_index(batch_op.f("ix_sla_clocks_agency_id"))
    op.drop_table("sla_clocks")

    op.drop_table("calendar_days")
