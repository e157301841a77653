"""Alembic environment: always run by pcso_desk.store.migrate on a live connection."""

from alembic import context

from pcso_desk.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by a hand-run `alembic` command
    raise RuntimeError("Run migrations through pcso_desk.store.migrate, not the alembic CLI.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    # FTS5 virtual tables and their shadow tables are built by hand in migrations.
    include_name=lambda name, kind, _parent: not (kind == "table" and "_fts" in (name or "")),
)
with context.begin_transaction():
    context.run_migrations()
