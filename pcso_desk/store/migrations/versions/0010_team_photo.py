"""The team photo is held in the store, so it reaches every station by sync.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

`neighbourhoods.photo` holds the photo as base64 text of a JPEG already scaled down by the
service that set it (at most 600 KB of text), '' for none. Text rather than a BLOB: a sync
change carries every value as JSON text, and a blob column would need its own encoding there.
Added with plain ALTER TABLE ADD COLUMN. `photo_path` (a path on one machine, which no screen
set and no other station could open) stays as it was for older stations' changes, and is no
longer read.
"""

from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "neighbourhoods", sa.Column("photo", sa.Text(), nullable=False, server_default="")
    )


def downgrade() -> None:
    with op.batch_alter_table("neighbourhoods") as batch:
        batch.drop_column("photo")
