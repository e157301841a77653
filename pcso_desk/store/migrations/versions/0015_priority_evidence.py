"""What people raised behind a priority: how many raised it, and where.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

`priorities.evidence_count` (integer, 0 for priorities made before this revision or typed in
by hand) and `priorities.evidence` (text, '' likewise): set when a priority is proposed from
the "what people raised" digest, e.g. "7 raised it: 4 engagements, 2 meeting issues,
1 KIN suggestion". Counts and categories only, never a person. Added with plain ALTER TABLE
ADD COLUMN.
"""

from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "priorities",
        sa.Column("evidence_count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "priorities", sa.Column("evidence", sa.Text(), nullable=False, server_default="")
    )


def downgrade() -> None:
    with op.batch_alter_table("priorities") as batch:
        batch.drop_column("evidence")
        batch.drop_column("evidence_count")
