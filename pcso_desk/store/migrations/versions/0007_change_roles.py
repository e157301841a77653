"""The role each change was made in: `updated_role` on every record, carried by sync.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

`updated_role` is added with plain ALTER TABLE ADD COLUMN (instant on a county store). NULL,
what every existing row gets, means "made with no one signed in, or before this revision":
a receiving station accepts such a change as before, but never as an erasure of data it
holds (see sync/FORMAT.md).
"""

from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

RECORD_TABLES = (
    "districts", "police_stations", "councils", "neighbourhoods", "meetings", "officers",
    "wards", "abstractions", "contacts", "crime_counts", "crime_records", "engagements",
    "kins", "lsoa_wards", "meeting_officers", "meeting_wards", "officer_wards",
    "patrol_sessions", "priorities", "users", "engagement_contacts", "kin_members",
    "messages", "priority_actions", "victim_cases", "kin_checkins", "victim_contacts",
    "sync_conflicts", "retention_reviews",
)


def upgrade() -> None:
    for table in RECORD_TABLES:
        op.add_column(table, sa.Column("updated_role", sa.String(length=16), nullable=True))


def downgrade() -> None:
    for table in RECORD_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("updated_role")
