"""Annotations: review items, model suggestions, reviewers' answers, assignments and retraining runs."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the annotation and retraining tables."""
    op.create_table(
        "annotation_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("section", sa.String(32), index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("before", sa.Text, nullable=False),
        sa.Column("after", sa.Text, nullable=False),
        sa.Column("text_key", sa.String(40), nullable=False, index=True),
        sa.Column("frozen", sa.Boolean, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("report_id", "start", "end", name="uq_annotation_items_span"),
    )
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("annotation_items.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("label", sa.String(16), nullable=False, index=True),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("scores", sa.Text, nullable=False),
        sa.Column("uncertainty", sa.Float, nullable=False, index=True),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("current", sa.Boolean, nullable=False, index=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("annotation_items.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("label", sa.String(16)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("suggestion_id", sa.Integer, sa.ForeignKey("suggestions.id", ondelete="SET NULL")),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_annotations_item_reviewer", "annotations", ["item_id", "reviewer_id"])
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("annotation_items.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("item_id", "reviewer_id", name="uq_assignments_item_reviewer"),
    )
    op.create_table(
        "retrain_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("requested_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("base_version", sa.String(64)),
        sa.Column("new_version", sa.String(64)),
        sa.Column("decision", sa.String(16)),
        sa.Column("old_macro_f1", sa.Float),
        sa.Column("new_macro_f1", sa.Float),
        sa.Column("n_answers", sa.Integer, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("metrics", sa.Text),
        sa.Column("hints", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True)),
        sa.Column("finished", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    """Drop the annotation and retraining tables."""
    op.drop_index("ix_annotations_item_reviewer", table_name="annotations")
    for table in ("retrain_runs", "assignments", "annotations", "suggestions", "annotation_items"):
        op.drop_table(table)
