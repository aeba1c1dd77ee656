"""The claim's statements (jobs/repository.py)."""

from __future__ import annotations

from spaceport.jobs.repository import chosen_jobs
from spaceport.kit.db import Database, utcnow
from tests.conftest import query_plan


def test_the_first_unfinished_job_of_a_queue_is_read_from_the_partial_index(
    database: Database,
) -> None:
    """One probe of `ix_jobs_unfinished_by_queue` per candidate (migration 0015; issue 13 item
    4): asked of every job, anything more grows with the square of the backlog."""
    stmt = chosen_jobs(frozenset({"webhook.deliver"}), 10).params(now=utcnow())
    plan = query_plan(database, stmt)
    assert "ix_jobs_unfinished_by_queue" in plan, plan
