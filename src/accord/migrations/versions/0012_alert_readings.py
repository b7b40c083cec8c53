"""alerts: the subject's names as the matching engine read them at issue; an index for the
newest alerts of an agency

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Alerts issued before this revision have none; checks read their names as they go.
    op.add_column("alerts", sa.Column("readings", sa.JSON(), nullable=True))
    op.create_index(
        "ix_alerts_issuing_agency_id_created_at",
        "alerts",
        ["issuing_agency_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_alerts_issuing_agency_id_created_at", table_name="alerts")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("readings")
