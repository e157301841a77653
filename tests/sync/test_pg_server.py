"""The throwaway PostgreSQL fixture: databases are created, usable and independent."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from tests.pg_server import PgServer


def _fresh(pg_server: PgServer) -> str:
    # Unique names: the server is shared by the whole session.
    return pg_server.create_database(f"t_{uuid.uuid4().hex[:12]}")


def test_created_database_round_trips_a_row(pg_server: PgServer) -> None:
    engine = sa.create_engine(_fresh(pg_server))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE note (id serial PRIMARY KEY, body text NOT NULL)"))
            conn.execute(sa.text("INSERT INTO note (body) VALUES (:b)"), {"b": "café ✓"})
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT body FROM note")).scalar_one() == "café ✓"
    finally:
        engine.dispose()


def test_two_databases_are_independent(pg_server: PgServer) -> None:
    first, second = sa.create_engine(_fresh(pg_server)), sa.create_engine(_fresh(pg_server))
    try:
        with first.begin() as conn:
            conn.execute(sa.text("CREATE TABLE only_here (x int)"))
        with second.connect() as conn:
            tables = conn.execute(
                sa.text("SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'")
            ).scalar_one()
        assert tables == 0
    finally:
        first.dispose()
        second.dispose()
