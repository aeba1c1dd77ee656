"""The one retry rule (`jobs.retry`) shared by webhook delivery (COMPAT §8.2: retries timed from
the first attempt), document email and recurrence notification (timed from the failure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spaceport.config import delays
from spaceport.jobs.retry import next_attempt, retry_later

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
SCHEDULE = delays("60,300,1800")


def test_retry_k_is_due_its_delay_after_the_failed_attempt() -> None:
    assert next_attempt(SCHEDULE, 1, now=NOW) == NOW + timedelta(seconds=60)
    assert next_attempt(SCHEDULE, 2, now=NOW) == NOW + timedelta(seconds=300)
    assert next_attempt(SCHEDULE, 3, now=NOW) == NOW + timedelta(seconds=1800)


def test_after_the_last_delay_no_retry_is_left() -> None:
    assert next_attempt(SCHEDULE, 4, now=NOW) is None
    assert next_attempt(SCHEDULE, 0, now=NOW) is None
    assert retry_later(SCHEDULE, 4, "refused") is None


def test_counted_from_the_first_attempt_never_earlier_than_now() -> None:
    first = NOW - timedelta(seconds=100)
    assert next_attempt(SCHEDULE, 2, since=first, now=NOW) == first + timedelta(seconds=300)
    assert next_attempt(SCHEDULE, 1, since=first, now=NOW) == NOW  # 60 s after it has passed


def test_retry_later_carries_the_wait_and_the_error() -> None:
    later = retry_later(SCHEDULE, 2, "451 Try again later")
    assert later is not None
    assert later.error == "451 Try again later"
    assert 299 <= later.delay_seconds <= 300
