"""Document dates live in the organization's time zone (COMPAT §6.3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from spaceport.organizations.models import Organization


def zone_of(organization: Organization) -> Any:
    try:
        return ZoneInfo(organization.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_date(moment: datetime, organization: Organization) -> date:
    return moment.astimezone(zone_of(organization)).date()


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)
