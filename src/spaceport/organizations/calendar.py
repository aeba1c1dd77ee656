"""An organization's calendar: what day it is in its time zone (documents date themselves
by it, COMPAT §6.3)."""

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


def today(organization: Organization | None) -> date:
    zone = zone_of(organization) if organization is not None else UTC
    return datetime.now(zone).date()
