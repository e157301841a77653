"""Alembic environment for the PostgreSQL hub: always run by pcso_desk.sync.hub, on a live link."""

from alembic import context

from pcso_desk.sync.hub import HUB_METADATA, VERSION_TABLE

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by a hand-run `alembic` command
    raise RuntimeError("Run hub migrations through pcso_desk.sync.hub, not the alembic CLI.")

context.configure(
    connection=connection,
    target_metadata=HUB_METADATA,
    version_table=VERSION_TABLE,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
