"""The local SQLite store: typed SQLAlchemy models, engine, migrations, queries and search."""
