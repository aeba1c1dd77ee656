"""Which database errors are a 409 (kit.errors): only a broken uniqueness rule, recognised on
both engines; a NOT NULL or CHECK violation is bad input, a 422 (issue 15)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from spaceport.kit.db import Database
from spaceport.kit.errors import Conflict, ValidationFailed, integrity_error, is_unique_violation


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
