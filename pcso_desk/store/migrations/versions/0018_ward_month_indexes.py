"""A ward's month of engagements, patrol sessions and crimes is read from an index alone.

A monthly pack (and the disclosure check before a public one) counts the engagements, the
patrol minutes and the crimes by type of its wards in one month (services/documents/monthly.py,
crime_figures.py). With only the ward_id index SQLite walked every engagement and patrol
session the ward ever had, fetching each row to test its date, and read the county's crimes
of each month by the month index: thousands of rows, decrypted page by page, for one month's
few hundred. These partial indexes hold the live rows (deleted_at IS NULL) by ward, then
month or time, with what the counts read (a patrol session's end, a crime's type and last
outcome), so a ward's month is one short walk of an index and no row is fetched.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from alembic import op
import sqlalchemy as sa

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_engagements_ward_month",
        "engagements",
        ["ward_id", "occurred_at"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_patrol_sessions_ward_month",
        "patrol_sessions",
        ["ward_id", "starts_at", "ends_at"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_crime_records_ward_month",
        "crime_records",
        ["ward_id", "month", "crime_type", "last_outcome"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_crime_records_ward_month", table_name="crime_records")
    op.drop_index("ix_patrol_sessions_ward_month", table_name="patrol_sessions")
    op.drop_index("ix_engagements_ward_month", table_name="engagements")
