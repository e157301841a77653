"""Ward and LSOA boundaries for the crime map; a stable identity for crime rows with no id.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

`boundaries` holds the ONS ward and LSOA outlines `pcso-desk import boundaries` reads (a
record table like any other, so it syncs). Crime rows with no Crime ID (anti-social
behaviour) were keyed by a hash of the whole row, so a revised outcome made them new rows;
they are keyed again here by what police.uk fixes for an event (month, location, LSOA,
point and type) and their occurrence, as the import now keys them
(services/documents/crimes.py). Every station computes the same keys from the same rows
(ordered by their old key), so the stations stay in step without a sync. A point held with
an infinite coordinate (the import let one through, and it broke every sync bundle it went
into) is cleared the same way on every station: such a row has no place on a map.
"""

import hashlib

from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "boundaries",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("ward_id", sa.String(length=36), nullable=True),
        sa.Column("west", sa.Float(), nullable=False),
        sa.Column("south", sa.Float(), nullable=False),
        sa.Column("east", sa.Float(), nullable=False),
        sa.Column("north", sa.Float(), nullable=False),
        sa.Column("shape", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_boundaries_ward_id_wards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundaries")),
        sa.UniqueConstraint("kind", "code", name=op.f("uq_boundaries_kind")),
    )
    op.create_index("ix_boundaries_ward_id", "boundaries", ["ward_id"], unique=False)
    op.create_index("ix_boundaries_hlc", "boundaries", ["hlc"], unique=False)
    _rekey_asb()
    op.execute(  # 9e999 is SQLite's infinity; a NaN was already stored as NULL
        "UPDATE crime_records SET longitude = NULL, latitude = NULL "
        "WHERE abs(longitude) = 9e999 OR abs(latitude) = 9e999"
    )


def _identity(row: sa.Row) -> str:
    """As crimes.identity: month, location, LSOA, longitude, latitude, type."""

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return repr(value)
        return str(value).strip()

    return "\x1f".join(
        text(v)
        for v in (row.month, row.location, row.lsoa_code, row.longitude, row.latitude,
                  row.crime_type)
    )  # fmt: skip


def _rekey_asb() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, month, location, lsoa_code, longitude, latitude, crime_type "
            "FROM crime_records WHERE crime_id = '' ORDER BY row_key"
        )
    ).all()
    seen: dict[str, int] = {}
    for row in rows:
        same = _identity(row)
        occurrence = seen.get(same, 0)
        seen[same] = occurrence + 1
        digest = hashlib.sha256(f"{same}\x1e{occurrence}".encode()).hexdigest()[:64]
        conn.execute(
            sa.text("UPDATE crime_records SET row_key = :key WHERE id = :id"),
            {"key": "asb2:" + digest, "id": row.id},
        )


def downgrade() -> None:
    op.drop_index("ix_boundaries_hlc", table_name="boundaries")
    op.drop_index("ix_boundaries_ward_id", table_name="boundaries")
    op.drop_table("boundaries")
