"""A meeting's public title: what public documents call it (`meetings.public_title`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

Added with plain ALTER TABLE ADD COLUMN, empty for every meeting held: a meeting with no
public title is shown on public documents by its type and venue, never by its internal title.
"""

from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "meetings",
        sa.Column("public_title", sa.String(length=200), nullable=False, server_default=""),
    )


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("public_title")
