"""Field history, and the merge a contact went into kept where every station can follow it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

`field_history` keeps every value a record's field held before it was overwritten — by an
edit here, a bundle, the hub, or a sergeant's choice — as a synced record whose id is made
from (table, record, field, clock), so every station holds the same entries
(`store/history.py`). Nothing is back-filled: values overwritten before this revision were
not kept anywhere.

`contacts.merge_basis` records, with `merged_into_id`, what a merge saw of the duplicate and
what it copied onto the kept contact (ids and clocks, no one's data), so that later edits of
the duplicate follow it to the kept contact and an erasure of the duplicate erases the copy
(`services/records/follow.py`).
"""

from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_history",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("field_name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_clock", sa.String(length=64), nullable=False),
        sa.Column("value_by", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("updated_role", sa.String(length=16), nullable=True),
        sa.Column("station_id", sa.String(length=36), nullable=True),
        sa.Column("hlc", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("erased_at", sa.String(length=32), nullable=True),
        sa.Column("field_clocks", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_history")),
    )
    op.create_index("ix_field_history_row", "field_history", ["table_name", "row_id"])
    op.create_index("ix_field_history_hlc", "field_history", ["hlc"], unique=False)
    op.add_column("contacts", sa.Column("merge_basis", sa.Text(), nullable=True))
    op.create_index(
        "ix_contacts_merged",
        "contacts",
        ["merged_into_id"],
        sqlite_where=sa.text("merged_into_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_contacts_merged", table_name="contacts")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("merge_basis")
    op.drop_index("ix_field_history_hlc", table_name="field_history")
    op.drop_index("ix_field_history_row", table_name="field_history")
    op.drop_table("field_history")
