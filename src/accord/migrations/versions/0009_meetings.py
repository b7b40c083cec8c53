"""meetings: meetings, participants, agenda items, decisions, action commands, progress
reports and deadline extensions

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import accord.core.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("regular", "extraordinary", name="meetingkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("title_zh", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("starts_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("host_agency_id", sa.Uuid(), nullable=False),
        sa.Column("agenda_cutoff_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "agenda_published",
                "held",
                "closed",
                "cancelled",
                name="meetingstatus",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("minutes_by", sa.String(length=80), nullable=True),
        sa.Column("minutes_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_agency_id"], ["agencies.id"], name=op.f("fk_meetings_host_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(["zone_id"], ["zones.id"], name=op.f("fk_meetings_zone_id_zones")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("reference", name=op.f("uq_meetings_reference")),
    )
    op.create_index(op.f("ix_meetings_starts_at"), "meetings", ["starts_at"], unique=False)
    op.create_index(op.f("ix_meetings_status"), "meetings", ["status"], unique=False)
    op.create_index(op.f("ix_meetings_zone_id"), "meetings", ["zone_id"], unique=False)
    op.create_table(
        "agenda_items",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("submitted_by", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("submitted_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "accepted",
                "withdrawn",
                name="agendaitemstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_agenda_items_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_agenda_items_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
    )
    op.create_index(
        op.f("ix_agenda_items_meeting_id"), "agenda_items", ["meeting_id"], unique=False
    )
    op.create_table(
        "meeting_participants",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_meeting_participants_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_participants_meeting_id_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_participants")),
        sa.UniqueConstraint(
            "meeting_id", "agency_id", name=op.f("uq_meeting_participants_meeting_id")
        ),
    )
    op.create_index(
        op.f("ix_meeting_participants_meeting_id"),
        "meeting_participants",
        ["meeting_id"],
        unique=False,
    )
    op.create_table(
        "decisions",
        sa.Column("agenda_item_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("decided_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_decisions_agenda_item_id_agenda_items"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_decisions_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index(
        op.f("ix_decisions_agenda_item_id"), "decisions", ["agenda_item_id"], unique=False
    )
    op.create_index(op.f("ix_decisions_meeting_id"), "decisions", ["meeting_id"], unique=False)
    op.create_table(
        "action_commands",
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.Column("owner_agency_id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("deadline", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "issued",
                "acknowledged",
                "in_progress",
                "done",
                "withdrawn",
                name="commandstatus",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("done_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("overdue_notified_for", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("overdue_notified_at", accord.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_action_commands_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_action_commands_owner_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_action_commands_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_commands")),
        sa.UniqueConstraint("reference", name=op.f("uq_action_commands_reference")),
    )
    op.create_index(
        op.f("ix_action_commands_deadline"), "action_commands", ["deadline"], unique=False
    )
    op.create_index(
        op.f("ix_action_commands_decision_id"), "action_commands", ["decision_id"], unique=False
    )
    op.create_index(
        op.f("ix_action_commands_owner_agency_id"),
        "action_commands",
        ["owner_agency_id"],
        unique=False,
    )
    op.create_index(op.f("ix_action_commands_status"), "action_commands", ["status"], unique=False)
    op.create_index(
        op.f("ix_action_commands_zone_id"), "action_commands", ["zone_id"], unique=False
    )
    op.create_table(
        "command_progress",
        sa.Column("command_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_command_progress_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["command_id"],
            ["action_commands.id"],
            name=op.f("fk_command_progress_command_id_action_commands"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_progress")),
    )
    op.create_index(
        op.f("ix_command_progress_command_id"), "command_progress", ["command_id"], unique=False
    )
    op.create_table(
        "deadline_extensions",
        sa.Column("command_id", sa.Uuid(), nullable=False),
        sa.Column("old_deadline", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("new_deadline", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=80), nullable=False),
        sa.Column("at", accord.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["command_id"],
            ["action_commands.id"],
            name=op.f("fk_deadline_extensions_command_id_action_commands"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_extensions")),
    )
    op.create_index(
        op.f("ix_deadline_extensions_command_id"),
        "deadline_extensions",
        ["command_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_deadline_extensions_command_id"), table_name="deadline_extensions")
    op.drop_table("deadline_extensions")
    op.drop_index(op.f("ix_command_progress_command_id"), table_name="command_progress")
    op.drop_table("command_progress")
    op.drop_index(op.f("ix_action_commands_zone_id"), table_name="action_commands")
    op.drop_index(op.f("ix_action_commands_status"), table_name="action_commands")
    op.drop_index(op.f("ix_action_commands_owner_agency_id"), table_name="action_commands")
    op.drop_index(op.f("ix_action_commands_decision_id"), table_name="action_commands")
    op.drop_index(op.f("ix_action_commands_deadline"), table_name="action_commands")
    op.drop_table("action_commands")
    op.drop_index(op.f("ix_decisions_meeting_id"), table_name="decisions")
    op.drop_index(op.f("ix_decisions_agenda_item_id"), table_name="decisions")
    op.drop_table("decisions")
    op.drop_index(op.f("ix_meeting_participants_meeting_id"), table_name="meeting_participants")
    op.drop_table("meeting_participants")
    op.drop_index(op.f("ix_agenda_items_meeting_id"), table_name="agenda_items")
    op.drop_table("agenda_items")
    op.drop_index(op.f("ix_meetings_zone_id"), table_name="meetings")
    op.drop_index(op.f("ix_meetings_status"), table_name="meetings")
    op.drop_index(op.f("ix_meetings_starts_at"), table_name="meetings")
    op.drop_table("meetings")
