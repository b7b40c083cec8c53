"""agencies and reference numbers

Revision ID: 0001
Revises:
Create Date: 2026-11-23 00:14:52.291596
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import accord.core.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "ministry",
                "province",
                "city",
                "county",
                "station",
                "foreign_national",
                "foreign_capital",
                name="level",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("jurisdiction", sa.JSON(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["agencies.id"],
            name=op.f("fk_agencies_parent_id_agencies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("code", name=op.f("uq_agencies_code")),
        sa.UniqueConstraint("prefix", name=op.f("uq_agencies_prefix")),
    )
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agencies_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "agency_contacts",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "duty_desk",
                "liaison",
                "acting_liaison",
                name="contactkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("label_zh", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("fax", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_agency_contacts_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_contacts")),
    )
    with op.batch_alter_table("agency_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agency_contacts_agency_id"), ["agency_id"], unique=False
        )

    op.create_table(
        "reference_counters",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_reference_counters_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agency_id", "year", name=op.f("pk_reference_counters")),
    )
    op.create_table(
        "reference_index",
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("issued_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_reference_index_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_reference_index")),
    )
    with op.batch_alter_table("reference_index", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reference_index_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reference_index_object_id"), ["object_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reference_index", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reference_index_object_id"))
        batch_op.drop_index(batch_op.f("ix_reference_index_agency_id"))

    op.drop_table("reference_index")
    op.drop_table("reference_counters")
    with op.batch_alter_table("agency_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_contacts_agency_id"))

    op.drop_table("agency_contacts")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agencies_parent_id"))

    op.drop_table("agencies")
