"""Alembic environment: runs on the connection `upgrade()` passes in, or on DATABASE_URL from the shell."""

from alembic import context
from sqlalchemy import Connection, text

from reflection.settings import load_settings
from reflection.storage.database import connect, make_engine
from reflection.storage.models import Base

# Any fixed number works; it only has to be the same for every process that migrates this database.
POSTGRES_MIGRATION_LOCK_KEY = 7_305_114_211


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two services starting at once must not both create the tables.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_MIGRATION_LOCK_KEY}
            )
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run `reflect db upgrade`.")

shared_connection = context.config.attributes.get("connection")
if shared_connection is not None:
    run_migrations(shared_connection)
else:
    engine = make_engine(load_settings().database_url)
    with connect(engine) as connection, connection.begin():
        run_migrations(connection)
    engine.dispose()
