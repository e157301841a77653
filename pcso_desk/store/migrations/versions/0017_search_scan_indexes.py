"""Search's scans of the newest messages and engagements read an index, not the rows.

Search (Ctrl+K) looks at the newest 5,000 live messages and engagements for the words typed
(services/records/search.py: they have no search index). Walking the received/occurred index
and fetching each row read every message's body and every engagement's whole row, a few
hundred pages decrypted per keystroke on an encrypted county store; these partial indexes hold
exactly the columns that search reads, newest last, so the scan is a walk of one small index
(about 15 ms down to 2 ms per kind on the county demo store).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_messages_newest",
        "messages",
        ["received_at", "id", "subject", "from_name"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_engagements_newest",
        "engagements",
        ["occurred_at", "id", "summary", "channel"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_engagements_newest", table_name="engagements")
    op.drop_index("ix_messages_newest", table_name="messages")
