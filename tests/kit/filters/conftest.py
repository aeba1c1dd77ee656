"""The probe databases of the filter tests: every engine at once, created once for the
package (the rows are only read)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from spaceport.kit.db import Database
from tests.conftest import POSTGRES_URL, drop_postgres_database

pytest.register_assert_rewrite("tests.kit.filters.probes")

from tests.kit.filters.probes import create_human_sorting_database, create_probes  # noqa: E402


@pytest.fixture(scope="package")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Database]]:
    """Every engine at once: the property test compares them."""
    sqlite = Database(f"sqlite:///{tmp_path_factory.mktemp('filters') / 'filters.db'}")
    create_probes(sqlite)
    engines = {"sqlite": sqlite}
    pg_url = create_human_sorting_database(POSTGRES_URL) if POSTGRES_URL else None
    if pg_url:
        engines["postgresql"] = Database(pg_url)
        create_probes(engines["postgresql"])
    yield engines
    for db in engines.values():
        db.dispose()
    if pg_url:
        drop_postgres_database(pg_url)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, databases: dict[str, Database]) -> Database:
    if request.param not in databases:
        pytest.skip("SPACEPORT_TEST_POSTGRES_URL is not set")
    return databases[request.param]
