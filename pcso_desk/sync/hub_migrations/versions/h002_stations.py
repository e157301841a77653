"""Per-station identities, row-level security and end-to-end sealed items.

The hub no longer merges: it keeps, per team, each station's latest sealed state of each
record (ciphertext, plus the routing a pull needs), numbered from one sequence; stations
merge what they pull. Rows are visible to a station role only for its own team, and it may
write them only under its own station id (row-level security with `hub_station()`, which
maps the signed-in role to its station). A row dated more than five minutes ahead of the
hub's clock is refused, naming its station. The hub's earlier plain-JSON rows are dropped:
the table's new identity is a new hub epoch, so every station sends everything again.

Revision ID: h002
Revises: h001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "h002"
down_revision = "h001"
branch_labels = None
depends_on = None

TEAM_TABLES = ("hub_items", "hub_pages", "hub_keys", "hub_heads", "hub_stations")


def upgrade() -> None:
    op.drop_table("hub_items")
    op.drop_table("hub_stations")
    op.execute("DELETE FROM hub_meta WHERE key IN ('team', 'audit_heads')")
    op.execute("INSERT INTO hub_meta (key, value) VALUES ('interface', '2')")
    op.create_table(
        "hub_teams",
        sa.Column("team", sa.String(length=100), primary_key=True),
        sa.Column("role", sa.String(length=63), nullable=False, unique=True),
    )
    op.create_table(
        "hub_stations",
        sa.Column("station_id", sa.String(length=64), primary_key=True),
        sa.Column("team", sa.String(length=100), sa.ForeignKey("hub_teams.team"), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=63), nullable=False, unique=True),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True)),
        sa.Column("last_sync_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "hub_items",
        sa.Column("team", sa.String(length=100), nullable=False),
        sa.Column("tbl", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("v", sa.SmallInteger(), nullable=False),
        sa.Column("newest", sa.DateTime(timezone=True), nullable=False),
        sa.Column("page", sa.String(length=64), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("team", "tbl", "id", "sender", name="pk_hub_items"),
    )
    op.create_index("ix_hub_items_team_seq", "hub_items", ["team", "seq"])
    op.create_index("ix_hub_items_page", "hub_items", ["team", "sender", "page"])
    op.create_table(
        "hub_pages",
        sa.Column("team", sa.String(length=100), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("page", sa.String(length=64), nullable=False),
        sa.Column("signed", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("team", "sender", "page", name="pk_hub_pages"),
    )
    op.create_table(
        "hub_keys",
        sa.Column("team", sa.String(length=100), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("by_station", sa.String(length=64), nullable=False),
        sa.Column("wrapped", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("team", "station_id", name="pk_hub_keys"),
    )
    op.create_table(
        "hub_heads",
        sa.Column("team", sa.String(length=100), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("team", "station_id", name="pk_hub_heads"),
    )
    # Which station (and team) the signed-in role is; SECURITY DEFINER so the policies can
    # read hub_stations whatever the role may see, with a fixed search path.
    for name, column in (("hub_station", "station_id"), ("hub_team", "team")):
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER "
            "SET search_path = pg_catalog, public AS $$ "
            f"SELECT {column}::text FROM public.hub_stations "
            "WHERE role = session_user AND removed_at IS NULL $$"
        )
        op.execute(f"REVOKE ALL ON FUNCTION {name}() FROM PUBLIC")
    # Checked on every row a station writes: its clock (not ahead of the hub's), and its
    # number (one the sequence has given out: a number set far ahead would make every other
    # station skip the rows numbered before it).
    op.execute(
        "CREATE FUNCTION hub_check_item() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        "SET search_path = pg_catalog, public AS $$ "
        "BEGIN IF NEW.newest > now() + interval '5 minutes' THEN "
        "RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = format("
        "'pcso-hub: clock ahead: station %s is %s ahead of the hub', "
        "NEW.sender, date_trunc('minute', NEW.newest - now())); "
        "END IF; "
        "IF NEW.seq > (SELECT last_value FROM public.hub_seq) THEN "
        "RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = format("
        "'pcso-hub: number not given out: station %s', NEW.sender); "
        "END IF; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER hub_items_check BEFORE INSERT OR UPDATE ON hub_items "
        "FOR EACH ROW EXECUTE FUNCTION hub_check_item()"
    )
    for table in TEAM_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_read ON {table} FOR SELECT USING (team = hub_team())")
    own = {"hub_items": "sender", "hub_pages": "sender", "hub_keys": "by_station",
           "hub_heads": "station_id"}  # fmt: skip
    for table, column in own.items():
        mine = f"team = hub_team() AND {column} = hub_station()"
        op.execute(f"CREATE POLICY {table}_add ON {table} FOR INSERT WITH CHECK ({mine})")
        op.execute(
            f"CREATE POLICY {table}_change ON {table} FOR UPDATE USING ({mine}) WITH CHECK ({mine})"
        )
    op.execute(
        "CREATE POLICY hub_pages_tidy ON hub_pages FOR DELETE "
        "USING (team = hub_team() AND sender = hub_station())"
    )
    op.execute(
        "CREATE POLICY hub_stations_seen ON hub_stations FOR UPDATE "
        "USING (station_id = hub_station()) WITH CHECK (station_id = hub_station())"
    )


def downgrade() -> None:  # pragma: no cover - hubs are only ever upgraded
    raise NotImplementedError("A hub is never downgraded: restore its dump instead.")
