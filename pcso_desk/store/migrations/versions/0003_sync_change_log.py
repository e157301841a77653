"""Sync: per-field clocks on every record, an index on each table's clock, the conflict queue,
and what this station knows of its peers, bundles and hubs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

`field_clocks` is added as a nullable column with plain ALTER TABLE ADD COLUMN (no table
copy, instant on a county store): NULL means every field changed at the row's `hlc`, which
is exactly what the rows written before this revision mean.
"""

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RECORD_TABLES = (
    "districts", "police_stations", "councils", "neighbourhoods", "meetings", "officers",
    "wards", "abstractions", "contacts", "crime_counts", "crime_records", "engagements",
    "kins", "lsoa_wards", "meeting_officers", "meeting_wards", "officer_wards",
    "patrol_sessions", "priorities", "users", "engagement_contacts", "kin_members",
    "messages", "priority_actions", "victim_cases", "kin_checkins", "victim_contacts",
)


def record_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("station_id", sa.String(length=36), nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("field_clocks", sa.JSON(none_as_null=True), nullable=True),
    ]


def upgrade() -> None:
    for table in RECORD_TABLES:
        op.add_column(table, sa.Column("field_clocks", sa.JSON(none_as_null=True), nullable=True))
        op.create_index(f"ix_{table}_hlc", table, ["hlc"], unique=False)
    op.create_table(
        "sync_conflicts",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("field_name", sa.String(length=64), nullable=False),
        sa.Column("a_value", sa.Text(), nullable=False),
        sa.Column("a_clock", sa.String(length=64), nullable=False),
        sa.Column("a_by", sa.String(length=36), nullable=True),
        sa.Column("b_value", sa.Text(), nullable=False),
        sa.Column("b_clock", sa.String(length=64), nullable=False),
        sa.Column("b_by", sa.String(length=36), nullable=True),
        sa.Column("chosen", sa.String(length=1), nullable=False),
        sa.Column("resolved_at", sa.String(length=32), nullable=True),
        sa.Column("resolved_by", sa.String(length=36), nullable=True),
        *record_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    op.create_index("ix_sync_conflicts_row_id", "sync_conflicts", ["row_id"], unique=False)
    op.create_index("ix_sync_conflicts_hlc", "sync_conflicts", ["hlc"], unique=False)
    op.create_table(
        "sync_peers",
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("received_through", sa.String(length=64), nullable=False),
        sa.Column("acked_through", sa.String(length=64), nullable=True),
        sa.Column("knows", sa.Text(), nullable=False),
        sa.Column("last_import_at", sa.String(length=32), nullable=True),
        sa.Column("last_export_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("station_id", name=op.f("pk_sync_peers")),
    )
    op.create_table(
        "sync_bundles",
        sa.Column("bundle_id", sa.String(length=128), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.String(length=32), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bundle_id", name=op.f("pk_sync_bundles")),
    )
    op.create_table(
        "sync_hubs",
        sa.Column("hub_id", sa.String(length=64), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("pushed_through", sa.String(length=64), nullable=True),
        sa.Column("pulled_seq", sa.Integer(), nullable=False),
        sa.Column("last_sync_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("hub_id", name=op.f("pk_sync_hubs")),
    )
    # This station's clock high-water mark: its clock never issues a time at or before it.
    highest = " UNION ALL ".join(f"SELECT max(hlc) AS h FROM {t}" for t in RECORD_TABLES)
    op.execute(
        "INSERT OR REPLACE INTO store_meta (key, value) "
        f"SELECT 'clock_high_water', max(h) FROM ({highest}) WHERE h IS NOT NULL "
        "HAVING max(h) IS NOT NULL"
    )
