"""The day the catalog answers for. What depends on the date (the taxes in force, a country's
currency) is cached per day, so a long-running server picks up a rate change at midnight UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime


def today() -> date:
    """Today in UTC: the day whose taxes and currencies the lists show."""
    return datetime.now(UTC).date()
