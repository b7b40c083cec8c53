"""security: users, role grants, sessions, API tokens, contact periods

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import accord.core.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "security_users",
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("last_login_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_security_users_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_users")),
        sa.UniqueConstraint("username", name=op.f("uq_security_users_username")),
    )
    op.create_index(
        op.f("ix_security_users_agency_id"), "security_users", ["agency_id"], unique=False
    )
    op.create_table(
        "security_api_tokens",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["security_users.id"],
            name=op.f("fk_security_api_tokens_user_id_security_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_security_api_tokens_token_hash")),
    )
    op.create_index(
        "ix_security_api_tokens_expires", "security_api_tokens", ["expires_at"], unique=False
    )
    op.create_index(
        op.f("ix_security_api_tokens_user_id"), "security_api_tokens", ["user_id"], unique=False
    )
    op.create_table(
        "security_role_grants",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=True),
        sa.Column("include_subordinates", sa.Boolean(), nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=True),
        sa.Column("granted_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=80), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_security_role_grants_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["security_users.id"],
            name=op.f("fk_security_role_grants_user_id_security_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_role_grants")),
        sa.UniqueConstraint(
            "user_id", "role", "agency_id", "zone_id", name="uq_security_role_grants_scope"
        ),
    )
    op.create_index(
        op.f("ix_security_role_grants_user_id"), "security_role_grants", ["user_id"], unique=False
    )
    op.create_table(
        "security_sessions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("mfa_passed", sa.Boolean(), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=True),
        sa.Column("client_addr", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["security_users.id"],
            name=op.f("fk_security_sessions_user_id_security_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_security_sessions_token_hash")),
    )
    op.create_index(
        op.f("ix_security_sessions_user_id"), "security_sessions", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("security_sessions")
    op.drop_table("security_role_grants")
    op.drop_table("security_api_tokens")
    op.drop_table("security_users")
