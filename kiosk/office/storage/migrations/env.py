"""Alembic environment: run programmatically by kiosk.office.storage.migrate with a live connection."""

from alembic import context

from kiosk.office.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the programmatic path is supported
    raise RuntimeError("run migrations through kiosk.office.storage.migrate.upgrade()")

# migrate.upgrade() hands over a connection inside one transaction (on SQLite too, see migrate.py):
# every pending revision and the version stamp commit together or not at all
context.configure(connection=connection, target_metadata=Base.metadata, transactional_ddl=True,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
