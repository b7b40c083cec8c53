"""notify: outbox, deliveries, inbox, live feed, webhook subscriptions

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import accord.core.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notify_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("handling_code", sa.String(length=2), nullable=True),
        sa.Column("handling_text", sa.String(length=200), nullable=True),
        sa.Column("dispatched_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notify_outbox_dedupe_key")),
    )
    with op.batch_alter_table("notify_outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notify_outbox_dispatched_at"), ["dispatched_at"], unique=False
        )

    op.create_table(
        "notify_webhooks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_notify_webhooks_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_webhooks")),
    )
    with op.batch_alter_table("notify_webhooks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notify_webhooks_agency_id"), ["agency_id"], unique=False
        )

    op.create_table(
        "notify_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient_key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("webhook_id", sa.Uuid(), nullable=True),
        sa.Column("address", sa.String(length=320), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["notify_outbox.id"],
            name=op.f("fk_notify_deliveries_message_id_notify_outbox"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["notify_webhooks.id"],
            name=op.f("fk_notify_deliveries_webhook_id_notify_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_deliveries")),
        sa.UniqueConstraint(
            "message_id",
            "channel",
            "recipient_key",
            name=op.f("uq_notify_deliveries_message_id"),
        ),
    )
    with op.batch_alter_table("notify_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notify_deliveries_due", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "notify_inbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("event", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["notify_outbox.id"],
            name=op.f("fk_notify_inbox_message_id_notify_outbox"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_inbox")),
        sa.UniqueConstraint("user_id", "message_id", name=op.f("uq_notify_inbox_user_id")),
    )
    with op.batch_alter_table("notify_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_notify_inbox_unread", ["user_id", "read_at"], unique=False)

    op.create_table(
        "notify_live",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_notify_live")),
    )
    with op.batch_alter_table("notify_live", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notify_live_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notify_live_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("notify_live")
    op.drop_table("notify_inbox")
    op.drop_table("notify_deliveries")
    op.drop_table("notify_webhooks")
    op.drop_table("notify_outbox")
