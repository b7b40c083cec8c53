"""joint cases are closed by their lead with an outcome

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("joint_cases") as batch:
        batch.add_column(sa.Column("closed_by", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("outcome", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("joint_cases") as batch:
        batch.drop_column("outcome")
        batch.drop_column("closed_by")
