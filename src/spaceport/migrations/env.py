"""Alembic environment: one linear history, run on SQLite and PostgreSQL alike."""

from __future__ import annotations

from alembic import context

from spaceport.kit.db import Base, Database
from spaceport.kit.search import is_index_table
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
        # the FTS5 tables of search (kit/search) are the migrations' own, never a model's
        include_name=lambda name, kind, _parent: kind != "table" or not is_index_table(name),
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
database.dispose()
