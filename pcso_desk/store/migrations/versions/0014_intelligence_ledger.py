"""The intelligence ledger; compliments beside dissatisfaction among the message kinds.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

`intelligence_reports` records that a report was submitted to the force (its reference,
date, category, type of source, where and by whom) and when its source is to be, and was,
told what happened; it has no column for the report's content or the source's name. A
record table like any other, so it syncs. A new table: nothing to carry over.

`messages.kind` gains the value "compliment": the column is text checked in Python (no
database constraint), so no change to it is needed here.
"""

from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEXED = (
    "force_reference", "submitted_on", "neighbourhood_id", "ward_id", "officer_id",
    "tell_source_by", "hlc",
)


def upgrade() -> None:
    op.create_table(
        "intelligence_reports",
        sa.Column("force_reference", sa.String(length=40), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("source_type", sa.String(length=32), nullable=False),
        sa.Column("neighbourhood_id", sa.String(length=36), nullable=True),
        sa.Column("ward_id", sa.String(length=36), nullable=True),
        sa.Column("officer_id", sa.String(length=36), nullable=True),
        sa.Column("tell_source_by", sa.Date(), nullable=True),
        sa.Column("source_told_on", sa.Date(), nullable=True),
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
            ["neighbourhood_id"],
            ["neighbourhoods.id"],
            name=op.f("fk_intelligence_reports_neighbourhood_id_neighbourhoods"),
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_intelligence_reports_ward_id_wards")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officers.id"],
            name=op.f("fk_intelligence_reports_officer_id_officers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intelligence_reports")),
    )
    for column in INDEXED:
        op.create_index(
            f"ix_intelligence_reports_{column}", "intelligence_reports", [column], unique=False
        )


def downgrade() -> None:
    for column in INDEXED:
        op.drop_index(f"ix_intelligence_reports_{column}", table_name="intelligence_reports")
    op.drop_table("intelligence_reports")
