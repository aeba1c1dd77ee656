"""Which database errors are a 409 (kit.errors): only a broken uniqueness rule, recognised on
both engines; a NOT NULL or CHECK violation is bad input, a 422 (issue 15), and so is a value
past one of PostgreSQL's limits."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from spaceport.kit.db import Database
from spaceport.kit.errors import (
    Conflict,
    ValidationFailed,
    integrity_error,
    is_limit_exceeded,
    is_unique_violation,
)
from tests.conftest import incompressible


def violation(database: Database, statement: str) -> IntegrityError:
    with database.engine.connect() as connection:
        connection.execute(
            text("CREATE TEMPORARY TABLE probe (a INTEGER UNIQUE NOT NULL CHECK (a > 0))")
        )
        connection.execute(text("INSERT INTO probe (a) VALUES (1)"))
        with pytest.raises(IntegrityError) as caught:
            connection.execute(text(statement))
        connection.rollback()
    return caught.value


def test_a_unique_violation_is_a_409(database: Database) -> None:
    error = violation(database, "INSERT INTO probe (a) VALUES (1)")
    assert is_unique_violation(error)
    assert isinstance(integrity_error(error), Conflict)


@pytest.mark.parametrize("value", ["NULL", "-1"])
def test_other_violations_are_a_422(database: Database, value: str) -> None:
    error = violation(database, f"INSERT INTO probe (a) VALUES ({value})")
    assert not is_unique_violation(error)
    refused = integrity_error(error)
    assert isinstance(refused, ValidationFailed) and refused.status_code == 422


def test_a_value_past_an_index_entrys_limit_is_a_422(database: Database) -> None:
    """PostgreSQL refuses an index entry larger than about a third of a page (SQLSTATE 54000):
    bad input, not a server fault. SQLite has no such limit."""
    if database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's limit")
    with database.engine.connect() as connection:
        connection.execute(text("CREATE TEMPORARY TABLE wide (a TEXT)"))
        connection.execute(text("CREATE INDEX ix_wide ON wide (a)"))
        with pytest.raises(OperationalError) as caught:
            connection.execute(
                text("INSERT INTO wide (a) VALUES (:a)"), {"a": incompressible(9000)}
            )
        connection.rollback()
    assert is_limit_exceeded(caught.value)
