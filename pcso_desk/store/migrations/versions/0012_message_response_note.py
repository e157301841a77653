"""How a message was answered: a short note asked for when it is marked responded.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

`messages.response_note` (text, '' for messages answered before this revision) is personal
data of the internal class, erased with the message's other words. Added with plain ALTER
TABLE ADD COLUMN.
"""

from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "messages", sa.Column("response_note", sa.Text(), nullable=False, server_default="")
    )


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("response_note")
