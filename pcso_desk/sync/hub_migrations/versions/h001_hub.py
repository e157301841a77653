"""The hub: one row per record holding its merged state, a sequence for "changes since".

Revision ID: h001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "h001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_hub_meta"),
    )
    op.execute("CREATE SEQUENCE hub_seq")
    op.create_table(
        "hub_items",
        sa.Column("tbl", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("pushed_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("tbl", "id", name="pk_hub_items"),
    )
    op.create_index("ix_hub_items_seq", "hub_items", ["seq"], unique=False)
    op.create_table(
        "hub_stations",
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("station_id", name="pk_hub_stations"),
    )
