"""When a schedule fires (FLOWS §F4.2): `every` N minutes (when the minutes since the Unix epoch
divide by N) or a 5-field `cron` in an IANA timezone. A wall time that a DST change skips fires
once after the gap; a repeated wall time fires once (its first occurrence)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTE: Final = timedelta(minutes=1)
LOOKBACK: Final = timedelta(days=7)  # ticks missed while down fire once in all: a bound
# minute, hour, day of month, month, day of week (0 or 7 Sunday)
BOUNDS: Final = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
NAMES: Final[tuple[dict[str, int], ...]] = (
    {},
    {},
    {},
    {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
    {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())},
)


class CronError(ValueError):
    pass


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    any_day: bool
    any_weekday: bool

    def matches(self, wall: datetime) -> bool:
        if wall.minute not in self.minutes or wall.hour not in self.hours:
            return False
        if wall.month not in self.months:
            return False
        day = wall.day in self.days
        weekday = (wall.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:  # cron's rule: both restricted means either
            return day and weekday
        return day or weekday


def _value(text: str, field: int) -> int:
    names = NAMES[field]
    if text.lower() in names:
        return names[text.lower()]
    if not text.isdigit():
        raise CronError(f"{text!r} is not a number")
    value = int(text)
    low, high = BOUNDS[field]
    if not low <= value <= high:
        raise CronError(f"{value} is outside {low}-{high}")
    return value


def _field(text: str, field: int) -> frozenset[int]:
    low, high = BOUNDS[field]
    found: set[int] = set()
    for part in text.split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise CronError(f"{part!r} has a bad step")
        if body == "*":
            start, end = low, high
        elif "-" in body:
            first, _, last = body.partition("-")
            start, end = _value(first, field), _value(last, field)
            if start > end:
                raise CronError(f"{body!r} is an empty range")
        else:
            start = _value(body, field)
            end = high if step else start
        found.update(range(start, end + 1, step or 1))
    if field == 4 and 7 in found:
        found = (found - {7}) | {0}
    return frozenset(found)


def parse(expression: str) -> Cron:
    fields = expression.split()
    if len(fields) != 5:
        raise CronError("must have 5 fields: minute hour day-of-month month day-of-week")
    minutes, hours, days, months, weekdays = (_field(text, i) for i, text in enumerate(fields))
    return Cron(minutes, hours, days, months, weekdays, fields[2] == "*", fields[4] == "*")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CronError(f"{name!r} is not an IANA timezone") from exc


def minute_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def latest_due(
    trigger: Mapping[str, Any], timezone: str, after: datetime, until: datetime
) -> datetime | None:
    """The last tick in (`after`, `until`], or None."""
    start = max(minute_floor(after) + MINUTE, minute_floor(until) - LOOKBACK)
    end = minute_floor(until)
    if trigger.get("every"):
        every = int(trigger["every"])
        epoch = int(end.timestamp()) // 60
        tick = datetime.fromtimestamp((epoch - epoch % every) * 60, UTC)
        return tick if tick >= start else None
    cron, tz = parse(str(trigger["cron"])), zone(timezone)
    found: datetime | None = None
    moment = start
    previous = (start - MINUTE).astimezone(tz).replace(tzinfo=None)
    while moment <= end:
        wall = moment.astimezone(tz)
        naive = wall.replace(tzinfo=None)
        gap = naive - previous > MINUTE  # wall times skipped by a DST change
        skipped = gap and any(
            cron.matches(previous + MINUTE * i) for i in range(1, (naive - previous) // MINUTE)
        )
        if (cron.matches(naive) and wall.fold == 0) or skipped:  # fold 1: the repeat
            found = moment
        previous = max(previous, naive)
        moment += MINUTE
    return found
