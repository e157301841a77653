"""The body of the first migration (versions/0001_initial_schema.py), in two parts.

Kept outside `versions/` because Alembic reads every module there as a revision. These are
history: what revision 0001 creates must never change (the upgrade corpus under
tests/data/stores/ and the schema test hold it). Change the schema with a new migration.
"""
