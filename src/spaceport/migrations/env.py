"""Alembic environment: one linear history, run on SQLite and PostgreSQL alike."""

from __future__ import annotations

from alembic import context

from spaceport.kit.db import Base, Database
from spaceport.models import import_all_models

import_all_models()
config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "spaceport.kit.migrate passes the database URL"

database = Database(url)
with database.engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
database.dispose()
