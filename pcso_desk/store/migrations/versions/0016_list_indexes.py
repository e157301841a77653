"""The long lists' indexes: every sort order their screens offer, so a page anywhere is quick.

A county store holds 170,000 engagements, 90,000 patrol sessions and tens of thousands of
abstractions, messages and crime counts; their screens show them a page at a time at any
offset (gui/table_model.py). Each index here holds the live rows (deleted_at IS NULL) in one
sort order of the list with the id as tie-breaker, the shape of the contact list's index
(0006): SQLite counts the rows and reaches any page by walking the index alone, without a
sort (seconds for a deep page of engagements before, milliseconds after). A nullable sort
column is indexed on the expression the list sorts by, coalesce(column, '~').

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# name, table, sort key (as services/records/service.py orders the list)
INDEXES = (
    ("ix_engagements_list_occurred", "engagements", "occurred_at"),
    ("ix_engagements_list_follow_up", "engagements", "coalesce(follow_up_due, '~')"),
    ("ix_patrol_sessions_list_starts", "patrol_sessions", "starts_at"),
    ("ix_abstractions_list_starts", "abstractions", "starts_at"),
    ("ix_messages_list_received", "messages", "received_at"),
    ("ix_messages_list_responded", "messages", "coalesce(responded_at, '~')"),
    ("ix_crime_counts_list_month", "crime_counts", "month"),
)


def upgrade() -> None:
    for name, table, key in INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} ({key}, id) WHERE deleted_at IS NULL")


def downgrade() -> None:
    for name, _table, _key in reversed(INDEXES):
        op.execute(f"DROP INDEX {name}")
