"""The one retry rule of jobs that retry by a delay schedule (webhook delivery COMPAT §8.2,
document email, recurrence notification; the schedules are settings, `config.RetryDelays`).

Attempt k (1-based, `Job.attempts`) failed: try again `delays[k - 1]` after `since` (the
failed attempt itself by default; webhooks count from the first attempt, COMPAT §8.2), never
earlier than now; after the last delay there is no retry left and the job gives up, unless the
schedule repeats its last delay (`repeat_last`: FURS resubmission, FISCAL §S12.3)."""

from __future__ import annotations

from datetime import datetime

from spaceport.config import Delays
from spaceport.jobs.service import RetryLater
from spaceport.kit.db import utcnow


def next_attempt(
    delays: Delays,
    attempt: int,
    *,
    since: datetime | None = None,
    now: datetime | None = None,
    repeat_last: bool = False,
) -> datetime | None:
    """When to try again after failed attempt `attempt`, or None: no retry is left."""
    if repeat_last and delays and attempt > len(delays):
        attempt = len(delays)
    if not 1 <= attempt <= len(delays):
        return None
    now = now or utcnow()
    return max(now, (since or now) + delays[attempt - 1])


def retry_later(
    delays: Delays,
    attempt: int,
    error: str,
    *,
    since: datetime | None = None,
    repeat_last: bool = False,
) -> RetryLater | None:
    """The `RetryLater` to raise after failed attempt `attempt`, or None when no retry is left
    (the caller then gives up in its own words: `raise retry_later(...) or GiveUp(...)`)."""
    now = utcnow()
    at = next_attempt(delays, attempt, since=since, now=now, repeat_last=repeat_last)
    return None if at is None else RetryLater((at - now).total_seconds(), error)
