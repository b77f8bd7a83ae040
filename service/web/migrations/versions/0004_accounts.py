"""Accounts: session generations, token expiry and revocation, login failures for throttling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
EXISTING_TOKEN_DAYS = 90  # tokens made before expiry existed get the default lifetime from their creation


def upgrade() -> None:
    """Add the columns and the table; existing tokens expire 90 days after they were made."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked", sa.DateTime(timezone=True), nullable=True))
    tokens = sa.table("api_tokens", sa.column("id", sa.Integer), sa.column("created", sa.DateTime(timezone=True)),
                      sa.column("expires", sa.DateTime(timezone=True)))
    connection = op.get_bind()
    for token_id, created in connection.execute(sa.select(tokens.c.id, tokens.c.created)).all():
        start = created if created is not None else datetime.now(UTC)
        connection.execute(sa.update(tokens).where(tokens.c.id == token_id)
                           .values(expires=start + timedelta(days=EXISTING_TOKEN_DAYS)))
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, index=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    """Drop the table and the columns."""
    op.drop_table("login_failures")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("revoked")
        batch.drop_column("expires")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_generation")
