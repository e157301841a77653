"""Full-text search: FTS5 trigram indexes over contacts, meetings and priorities, kept by triggers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Each index is keyed by its table's rowid so that a trigger touches one row, not a scan.
# Tombstoned rows (deleted_at set) and merged-away contacts leave the index.
INDEXES = {
    "contacts": (
        "name, organisation, postcode, email, phone, tags",
        "new.name, new.organisation, new.postcode, new.email, new.phone, new.tags",
        "new.deleted_at IS NULL AND new.merged_into_id IS NULL",
    ),
    "meetings": (
        "title, venue",
        "new.title, new.venue",
        "new.deleted_at IS NULL",
    ),
    "priorities": (
        "title, public_wording",
        "new.title, new.public_wording",
        "new.deleted_at IS NULL",
    ),
}


def upgrade() -> None:
    for table, (columns, values, live) in INDEXES.items():
        fts = f"{table}_fts"
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, tokenize='trigram')")
        op.execute(
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} WHEN {live} BEGIN "
            f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.rowid, {values}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.rowid; END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.rowid; "
            f"INSERT INTO {fts}(rowid, {columns}) SELECT new.rowid, {values} WHERE {live}; END"
        )
        op.execute(
            f"INSERT INTO {fts}(rowid, {columns}) "
            f"SELECT rowid, {columns} FROM {table} AS new WHERE {live}"
        )


def downgrade() -> None:
    for table in INDEXES:
        fts = f"{table}_fts"
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
