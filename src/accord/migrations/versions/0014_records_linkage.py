"""shared records and person linkage: FollowTheMoney records with provenance and keys, their
holders and watches; linkage models, runs, person clusters, scored links and judgements

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.core.db import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "linkage_models",
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("engine", sa.String(length=10), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_models")),
    )
    op.create_table(
        "linkage_runs",
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("engine", sa.String(length=10), nullable=False),
        sa.Column("model_id", sa.Uuid(), nullable=True),
        sa.Column("run_by", sa.String(length=80), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("pairs", sa.Integer(), nullable=False),
        sa.Column("links", sa.Integer(), nullable=False),
        sa.Column("clusters", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["linkage_models.id"],
            name=op.f("fk_linkage_runs_model_id_linkage_models"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_runs")),
    )
    op.create_index(
        op.f("ix_linkage_runs_started_at"), "linkage_runs", ["started_at"], unique=False
    )
    op.create_table(
        "record_watches",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_record_watches_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_watches")),
    )
    op.create_index("ix_record_watches_kind_key", "record_watches", ["kind", "key"], unique=False)
    op.create_index(op.f("ix_record_watches_user_id"), "record_watches", ["user_id"], unique=False)
    op.create_table(
        "shared_records",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("schema", sa.String(length=40), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.Column("caption", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("handling_text", sa.String(length=200), nullable=True),
        sa.Column("source_reliability", sa.String(length=1), nullable=False),
        sa.Column("information_accuracy", sa.Integer(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.String(length=300), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_shared_records_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_records")),
        sa.UniqueConstraint("agency_id", "entity_id", name=op.f("uq_shared_records_agency_id")),
    )
    op.create_index(
        op.f("ix_shared_records_agency_id"), "shared_records", ["agency_id"], unique=False
    )
    op.create_index(
        op.f("ix_shared_records_expires_on"), "shared_records", ["expires_on"], unique=False
    )
    op.create_index(
        "ix_shared_records_schema_status", "shared_records", ["schema", "status"], unique=False
    )
    op.create_table(
        "linkage_judgements",
        sa.Column("left_id", sa.Uuid(), nullable=False),
        sa.Column("right_id", sa.Uuid(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=True),
        sa.Column("cluster_key", sa.String(length=20), nullable=True),
        sa.Column("match_weight", sa.Float(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_linkage_judgements_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["left_id"],
            ["shared_records.id"],
            name=op.f("fk_linkage_judgements_left_id_shared_records"),
        ),
        sa.ForeignKeyConstraint(
            ["right_id"],
            ["shared_records.id"],
            name=op.f("fk_linkage_judgements_right_id_shared_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_judgements")),
    )
    op.create_index(
        op.f("ix_linkage_judgements_created_at"), "linkage_judgements", ["created_at"], unique=False
    )
    op.create_index(
        "ix_linkage_judgements_pair", "linkage_judgements", ["left_id", "right_id"], unique=False
    )
    op.create_table(
        "person_clusters",
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("agencies", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["linkage_runs.id"], name=op.f("fk_person_clusters_run_id_linkage_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_clusters")),
        sa.UniqueConstraint("key", name=op.f("uq_person_clusters_key")),
    )
    op.create_index(
        op.f("ix_person_clusters_agencies"), "person_clusters", ["agencies"], unique=False
    )
    op.create_table(
        "person_links",
        sa.Column("left_id", sa.Uuid(), nullable=False),
        sa.Column("right_id", sa.Uuid(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("prior_weight", sa.Float(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["left_id"],
            ["shared_records.id"],
            name=op.f("fk_person_links_left_id_shared_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["right_id"],
            ["shared_records.id"],
            name=op.f("fk_person_links_right_id_shared_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["linkage_runs.id"], name=op.f("fk_person_links_run_id_linkage_runs")
        ),
        sa.PrimaryKeyConstraint("left_id", "right_id", name=op.f("pk_person_links")),
    )
    op.create_index("ix_person_links_right", "person_links", ["right_id"], unique=False)
    op.create_table(
        "record_holders",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("user_ids", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("seen_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_record_holders_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["shared_records.id"],
            name=op.f("fk_record_holders_record_id_shared_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "agency_id", name=op.f("pk_record_holders")),
    )
    op.create_table(
        "record_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["shared_records.id"],
            name=op.f("fk_record_keys_record_id_shared_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_keys")),
    )
    op.create_index("ix_record_keys_kind_key", "record_keys", ["kind", "key"], unique=False)
    op.create_index(op.f("ix_record_keys_record_id"), "record_keys", ["record_id"], unique=False)
    op.create_table(
        "person_cluster_members",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=False),
        sa.Column("joined_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["person_clusters.id"],
            name=op.f("fk_person_cluster_members_cluster_id_person_clusters"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["shared_records.id"],
            name=op.f("fk_person_cluster_members_record_id_shared_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_person_cluster_members")),
    )
    op.create_index(
        op.f("ix_person_cluster_members_cluster_id"),
        "person_cluster_members",
        ["cluster_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_person_cluster_members_cluster_id"), table_name="person_cluster_members")
    op.drop_table("person_cluster_members")
    op.drop_index(op.f("ix_record_keys_record_id"), table_name="record_keys")
    op.drop_index("ix_record_keys_kind_key", table_name="record_keys")
    op.drop_table("record_keys")
    op.drop_table("record_holders")
    op.drop_index("ix_person_links_right", table_name="person_links")
    op.drop_table("person_links")
    op.drop_index(op.f("ix_person_clusters_agencies"), table_name="person_clusters")
    op.drop_table("person_clusters")
    op.drop_index("ix_linkage_judgements_pair", table_name="linkage_judgements")
    op.drop_index(op.f("ix_linkage_judgements_created_at"), table_name="linkage_judgements")
    op.drop_table("linkage_judgements")
    op.drop_index("ix_shared_records_schema_status", table_name="shared_records")
    op.drop_index(op.f("ix_shared_records_expires_on"), table_name="shared_records")
    op.drop_index(op.f("ix_shared_records_agency_id"), table_name="shared_records")
    op.drop_table("shared_records")
    op.drop_index(op.f("ix_record_watches_user_id"), table_name="record_watches")
    op.drop_index("ix_record_watches_kind_key", table_name="record_watches")
    op.drop_table("record_watches")
    op.drop_index(op.f("ix_linkage_runs_started_at"), table_name="linkage_runs")
    op.drop_table("linkage_runs")
    op.drop_table("linkage_models")
