"""Report splits: which of a deployment's reports make its own frozen test split."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table; reports already under review stay on the training side, since their answers may
    already have trained a kept model and a test split must never have been trained on."""
    op.create_table(
        "report_splits",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("split", sa.String(8), nullable=False, index=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO report_splits (sha256, split, created) "
        "SELECT DISTINCT reports.sha256, 'train', CURRENT_TIMESTAMP FROM reports "
        "JOIN annotation_items ON annotation_items.report_id = reports.id"
    )


def downgrade() -> None:
    """Drop the table."""
    op.drop_table("report_splits")
