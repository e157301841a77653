"""Keeping a hub: run once by whoever runs the PostgreSQL server, with its owner role.

`setup` creates or upgrades the hub's schema (Alembic) and a team's role; `add_station`
creates one login role per trusted station (a random SCRAM password, member of the team's
role) and seals the station's access for it; `remove_station` revokes it. Station roles
may read only their own team's rows and write only as themselves (row-level security, see
hub_migrations/versions/h002_stations.py); they own nothing and cannot change the schema.
Stations never use the owner role: a station given the owner's address refuses it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from datetime import UTC, datetime

from sqlalchemy import Connection, text

from pcso_desk.sync.hub import (
    MIGRATIONS,
    TEAM_LOCK,
    Hub,
    HubError,
)
from pcso_desk.sync.identity import PublicIdentity

GRANTS = (
    "GRANT SELECT, INSERT, UPDATE ON hub_items, hub_keys, hub_heads TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON hub_pages TO {role}",
    "GRANT SELECT ON hub_meta, hub_teams TO {role}",
    "GRANT SELECT, UPDATE (last_sync_at, name) ON hub_stations TO {role}",
    "GRANT USAGE ON SEQUENCE hub_seq TO {role}",
    "GRANT EXECUTE ON FUNCTION hub_station(), hub_team() TO {role}",
)


def _slug(text_: str, length: int) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "_", text_.lower()).strip("_")[:length]
    tag = hashlib.sha256(text_.encode()).hexdigest()[:6]  # two names slugging alike differ
    return f"{cleaned}_{tag}"


def _quote(conn: Connection, name: str) -> str:
    return str(conn.exec_driver_sql("SELECT quote_ident(%s)", (name,)).scalar_one())


class HubKeeper:
    """The owner's link to a hub: schema, team roles, station roles."""

    def __init__(self, url: str) -> None:
        self.hub = Hub(url, as_owner=True)
        self.address = self.hub.address

    def close(self) -> None:
        self.hub.close()

    def setup(self, team: str) -> str:
        """Create or upgrade the schema and make sure `team` has its role; the hub's id."""
        from alembic import command
        from alembic.config import Config

        if not team.strip():
            raise HubError("A team name is needed to set up a hub.")
        with self.hub.connect() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": TEAM_LOCK})
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            hub_id = conn.execute(text("SELECT value FROM hub_meta WHERE key = 'hub_id'")).scalar()
            if hub_id is None:
                hub_id = str(uuid.uuid4())
                conn.execute(
                    text("INSERT INTO hub_meta (key, value) VALUES ('hub_id', :v)"), {"v": hub_id}
                )
            role = conn.execute(
                text("SELECT role FROM hub_teams WHERE team = :t"), {"t": team}
            ).scalar()
            if role is None:
                role = f"pcso_t_{str(hub_id)[:8]}_{_slug(team, 30)}"
                conn.exec_driver_sql(f"CREATE ROLE {_quote(conn, role)} NOLOGIN")
                conn.execute(
                    text("INSERT INTO hub_teams (team, role) VALUES (:t, :r)"),
                    {"t": team, "r": role},
                )
            # Nobody but the owner makes objects in the hub's schema (PostgreSQL 15's default;
            # older servers let every role create tables there).
            conn.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            for grant in GRANTS:  # again on every setup: an upgrade may add tables
                conn.exec_driver_sql(grant.format(role=_quote(conn, role)))
            return str(hub_id)

    def add_station(self, public: PublicIdentity) -> tuple[str, str]:
        """A login role for `public` in its team's role; (role, password) for its access."""
        with self.hub.connect() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": TEAM_LOCK})
            team_role = conn.execute(
                text("SELECT role FROM hub_teams WHERE team = :t"), {"t": public.team}
            ).scalar()
            if team_role is None:
                raise HubError(
                    f"The hub at {self.address} has no team {public.team} yet: run "
                    f"pcso-desk hub setup with --team first."
                )
            hub_id = conn.execute(text("SELECT value FROM hub_meta WHERE key = 'hub_id'")).scalar()
            existing = conn.execute(
                text("SELECT role FROM hub_stations WHERE station_id = :s"),
                {"s": public.station_id},
            ).scalar()
            role = existing or f"pcso_s_{str(hub_id)[:8]}_{_slug(public.station_id, 40)}"
            password = secrets.token_urlsafe(24)
            quoted = _quote(conn, role)
            if existing is None:
                conn.exec_driver_sql(
                    f"CREATE ROLE {quoted} LOGIN IN ROLE {_quote(conn, str(team_role))}"
                )
            literal = conn.exec_driver_sql("SELECT quote_literal(%s)", (password,)).scalar_one()
            conn.exec_driver_sql(f"ALTER ROLE {quoted} LOGIN PASSWORD {literal}")
            conn.exec_driver_sql(f"GRANT {_quote(conn, str(team_role))} TO {quoted}")
            conn.execute(
                text(
                    "INSERT INTO hub_stations (station_id, team, name, role, identity, added_at) "
                    "VALUES (:s, :t, :n, :r, :i, :at) ON CONFLICT (station_id) DO UPDATE SET "
                    "team = excluded.team, name = excluded.name, identity = excluded.identity, "
                    "removed_at = NULL"
                ),
                {
                    "s": public.station_id,
                    "t": public.team,
                    "n": public.name,
                    "r": role,
                    "i": public.to_json(),
                    "at": datetime.now(UTC),
                },
            )
            return role, password

    def remove_station(self, station_id: str) -> str:
        """Revoke a station's login (its rows stay: they were the team's); its name."""
        with self.hub.connect() as conn:
            found = conn.execute(
                text("SELECT role, name FROM hub_stations WHERE station_id = :s"),
                {"s": station_id},
            ).one_or_none()
            if found is None:
                raise HubError(f"The hub at {self.address} has no station {station_id}.")
            role, name = found
            conn.exec_driver_sql(f"ALTER ROLE {_quote(conn, str(role))} NOLOGIN PASSWORD NULL")
            conn.execute(
                text("UPDATE hub_stations SET removed_at = :at WHERE station_id = :s"),
                {"s": station_id, "at": datetime.now(UTC)},
            )
            conn.execute(
                text("DELETE FROM hub_keys WHERE station_id = :s"), {"s": station_id}
            )  # its wrap of the team key: it is not handed the key again
            return str(name)
