"""Label sets: every answer records the label-set version it was given under; answers before this are v1."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column; the rows already there were all answered with the four labels of set 1."""
    with op.batch_alter_table("annotations") as batch:
        batch.add_column(sa.Column("label_set", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("annotations") as batch:
        batch.drop_column("label_set")
