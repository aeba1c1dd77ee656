"""One linear migration history that builds exactly the tables the models declare."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from spaceport.kit import migrate
from spaceport.kit.db import Base, Database
from spaceport.kit.search import is_index_table
from spaceport.models import import_all_models


def test_history_is_linear() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    # Two files with one revision id hide one of them from Alembic: every file is in the chain.
    chain = list(script.walk_revisions())
    files = list(Path(script.versions).glob("[0-9]*.py"))
    assert len(chain) == len(files)


def test_migrations_build_what_the_models_declare(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    migrate.upgrade(url)
    import_all_models()
    database = Database(url)
    with database.engine.connect() as connection:
        # the FTS5 tables of search (kit/search) are the migrations' own, never a model's
        opts = {"include_name": lambda name, kind, _: kind != "table" or not is_index_table(name)}
        diff = compare_metadata(MigrationContext.configure(connection, opts=opts), Base.metadata)
    database.dispose()
    assert diff == []
