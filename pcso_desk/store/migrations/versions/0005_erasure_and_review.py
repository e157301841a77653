"""Erasure and retention review: an `erased_at` mark on every record, and review decisions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

`erased_at` is added with plain ALTER TABLE ADD COLUMN (instant on a county store); NULL,
what every existing row means, is "not erased". A partial index finds the few erased
contacts quickly after each sync.
"""

from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

RECORD_TABLES = (
    "districts", "police_stations", "councils", "neighbourhoods", "meetings", "officers",
    "wards", "abstractions", "contacts", "crime_counts", "crime_records", "engagements",
    "kins", "lsoa_wards", "meeting_officers", "meeting_wards", "officer_wards",
    "patrol_sessions", "priorities", "users", "engagement_contacts", "kin_members",
    "messages", "priority_actions", "victim_cases", "kin_checkins", "victim_contacts",
    "sync_conflicts",
)


def upgrade() -> None:
    for table in RECORD_TABLES:
        op.add_column(table, sa.Column("erased_at", sa.String(length=32), nullable=True))
    op.create_index(
        "ix_contacts_erased",
        "contacts",
        ["erased_at"],
        sqlite_where=sa.text("erased_at IS NOT NULL"),
    )
    op.create_table(
        "retention_reviews",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("keep_until", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("station_id", sa.String(length=36), nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("erased_at", sa.String(length=32), nullable=True),
        sa.Column("field_clocks", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_reviews")),
    )
    op.create_index("ix_retention_reviews_row_id", "retention_reviews", ["row_id"], unique=False)
    op.create_index("ix_retention_reviews_hlc", "retention_reviews", ["hlc"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_retention_reviews_hlc", table_name="retention_reviews")
    op.drop_index("ix_retention_reviews_row_id", table_name="retention_reviews")
    op.drop_table("retention_reviews")
    op.drop_index("ix_contacts_erased", table_name="contacts")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("erased_at")
    for table in RECORD_TABLES:
        if table != "contacts":
            with op.batch_alter_table(table) as batch:
                batch.drop_column("erased_at")
