"""zones:_members,_chair_terms

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import accord.core.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "zones",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("founded_on", sa.Date(), nullable=False),
        sa.Column("secretariat_agency_id", sa.Uuid(), nullable=False),
        sa.Column("secretariat_follows_chair", sa.Boolean(), nullable=False),
        sa.Column("chair_term_months", sa.Integer(), nullable=False),
        sa.Column("rotation_order", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["secretariat_agency_id"],
            ["agencies.id"],
            name=op.f("fk_zones_secretariat_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zones")),
        sa.UniqueConstraint("code", name=op.f("uq_zones_code")),
    )
    op.create_table(
        "zone_chair_terms",
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("handed_over_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("handed_over_by", sa.String(length=80), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_zone_chair_terms_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_zone_chair_terms_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_chair_terms")),
    )
    op.create_index(
        "ix_zone_chair_terms_zone_start", "zone_chair_terms", ["zone_id", "starts_on"], unique=False
    )
    op.create_table(
        "zone_members",
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_zone_members_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_zone_members_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_members")),
    )
    op.create_index(op.f("ix_zone_members_agency_id"), "zone_members", ["agency_id"], unique=False)
    op.create_index(op.f("ix_zone_members_zone_id"), "zone_members", ["zone_id"], unique=False)


def downgrade() -> None:
    op.drop_table("zone_chair_terms")
    op.drop_table("zone_members")
    op.drop_table("zones")
