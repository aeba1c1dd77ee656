"""The claim's statements (jobs/repository.py)."""

from __future__ import annotations

from sqlalchemy import text

from spaceport.jobs.repository import chosen_jobs
from spaceport.kit.db import Database, utcnow


def test_the_first_unfinished_job_of_a_queue_is_read_from_the_partial_index(
    database: Database,
) -> None:
    """One probe of `ix_jobs_unfinished_by_queue` per candidate (migration 0015; issue 13 item
    4): asked of every job, anything more grows with the square of the backlog."""
    dialect = database.engine.dialect.name
    stmt = chosen_jobs(frozenset({"webhook.deliver"}), 10).params(now=utcnow())
    with database.engine.connect() as connection:
        if dialect == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))
        compiled = stmt.compile(connection, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN" if dialect == "postgresql" else "EXPLAIN QUERY PLAN"
        plan = " ".join(str(row) for row in connection.execute(text(f"{explain} {compiled}")))
    assert "ix_jobs_unfinished_by_queue" in plan, plan
