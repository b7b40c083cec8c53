"""agreements:_versions,_signatures,_sharing_rules

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import accord.core.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("title_zh", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_agreements_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint("reference", name=op.f("uq_agreements_reference")),
    )
    op.create_index(op.f("ix_agreements_zone_id"), "agreements", ["zone_id"], unique=False)
    op.create_table(
        "agreement_versions",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "signed",
                "in_force",
                "under_review",
                "superseded",
                "terminated",
                name="agreementstatus",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_versions_agreement_id_agreements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_versions")),
        sa.UniqueConstraint(
            "agreement_id", "number", name=op.f("uq_agreement_versions_agreement_id")
        ),
    )
    op.create_index(
        op.f("ix_agreement_versions_agreement_id"),
        "agreement_versions",
        ["agreement_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_agreement_versions_status"), "agreement_versions", ["status"], unique=False
    )
    op.create_table(
        "agreement_signatures",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("signed_by", sa.String(length=80), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("signed_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_agreement_signatures_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["agreement_versions.id"],
            name=op.f("fk_agreement_signatures_version_id_agreement_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_signatures")),
        sa.UniqueConstraint(
            "version_id", "agency_id", name=op.f("uq_agreement_signatures_version_id")
        ),
    )
    op.create_index(
        op.f("ix_agreement_signatures_agency_id"),
        "agreement_signatures",
        ["agency_id"],
        unique=False,
    )
    op.create_table(
        "agreement_sharing_rules",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("data_kind", sa.String(length=60), nullable=False),
        sa.Column(
            "mode",
            sa.Enum("full", "hit_no_hit", "none", name="sharemode", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "handling_code",
            sa.Enum("H0", "H1", "H2", "H3", name="handlingcode", native_enum=False, length=4),
            nullable=False,
        ),
        sa.Column("include_subordinates", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["agreement_versions.id"],
            name=op.f("fk_agreement_sharing_rules_version_id_agreement_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_sharing_rules")),
        sa.UniqueConstraint(
            "version_id", "data_kind", name=op.f("uq_agreement_sharing_rules_version_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("agreement_sharing_rules")
    op.drop_index(op.f("ix_agreement_signatures_agency_id"), table_name="agreement_signatures")
    op.drop_table("agreement_signatures")
    op.drop_index(op.f("ix_agreement_versions_status"), table_name="agreement_versions")
    op.drop_index(op.f("ix_agreement_versions_agreement_id"), table_name="agreement_versions")
    op.drop_table("agreement_versions")
    op.drop_index(op.f("ix_agreements_zone_id"), table_name="agreements")
    op.drop_table("agreements")
