"""`near` (reference "Where operators"): the haversine distance between a stored point and the
filter's point, in SQL both engines compute alike. SQLite needs its math functions (sin, cos,
asin, sqrt, radians), compiled into the SQLite that Python ships."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy import Float, case, cast, func

from spaceport.kit.filters.coercion import coerce_decimal
from spaceport.kit.filters.parsing import as_list, bad, is_index_map
from spaceport.kit.filters.targets import Context, Expr

# LoopBack's geo.js radii of the earth, per unit
_EARTH_RADIUS = {
    "miles": 3958.75,
    "kilometers": 6370.99056,
    "meters": 6370990.56,
    "feet": 20902200.0,
    "radians": 1.0,
    "degrees": 57.29577951308,
}
_POINT_TEXT = r"^ *-?[0-9]{1,3}(\.[0-9]{1,20})? *, *-?[0-9]{1,3}(\.[0-9]{1,20})? *\Z"


class Located(Protocol):
    """A property that may hold a point."""

    def point(self, part: str) -> tuple[Expr, Expr]: ...  # latitude, longitude; NULL if none


def near(located: Located, arg: Any, mods: Mapping[str, Any], part: str) -> Expr:
    """`near` with optional `maxDistance` and `unit` (reference "Where operators")."""
    found = distance(located, arg, mods, part)
    limit = mods.get("maxDistance")
    if limit is None or limit == "":
        return found.is_not(None)
    maximum = float(coerce_decimal(limit, f"{part}.maxDistance"))
    if maximum < 0:
        raise bad(f"`{part}.maxDistance` must not be negative")
    return found <= maximum


def distance(located: Located, arg: Any, mods: Mapping[str, Any], part: str) -> Expr:
    """How far the stored point is from `arg`, in `unit` (the reference's JS example spells it
    `units`), default miles; NULL without a stored point."""
    unit = mods.get("unit", mods.get("units")) or "miles"
    if unit not in _EARTH_RADIUS:
        raise bad(f"`{part}` unit must be one of {', '.join(_EARTH_RADIUS)}")
    lat, lng = located.point(part)
    return _haversine(lat, lng, _geo_point(arg, part), _EARTH_RADIUS[unit])


def in_range(value: Expr, limit: int) -> Expr:
    """The value as a double when it is a possible coordinate (a cast could overflow else)."""
    return case((value.between(-limit, limit), cast(value, Float)), else_=None)


def point_text(text: Expr, ctx: Context) -> tuple[Expr, Expr]:
    """Latitude and longitude of a `"lat,lng"` string; NULL for any other text."""
    if ctx.postgres:
        lat: Expr = func.split_part(text, ",", 1)
        lng: Expr = func.split_part(text, ",", 2)
    else:
        comma = func.instr(text, ",")
        lat, lng = func.substr(text, 1, comma - 1), func.substr(text, comma + 1)
    valid = text.regexp_match(_POINT_TEXT)
    return (
        in_range(case((valid, cast(lat, Float)), else_=None), 90),
        in_range(case((valid, cast(lng, Float)), else_=None), 180),
    )


def _geo_point(value: Any, part: str) -> tuple[float, float]:
    """A point as `"lat,lng"`, `[lat, lng]` or `{lat, lng}`."""
    if isinstance(value, str):
        parts: list[Any] = value.split(",")
    elif isinstance(value, Mapping) and not is_index_map(value):
        parts = [value.get("lat"), value.get("lng")]
    else:
        parts = as_list(value, part)
    if len(parts) != 2:
        raise bad(f"`{part}` must be a point `lat,lng`")
    first, second = (float(coerce_decimal(p, part)) for p in parts)
    # the reference's own example, "153.536,-28.1", is longitude first
    lat, lng = (second, first) if abs(first) > 90 >= abs(second) else (first, second)
    if abs(lat) > 90 or abs(lng) > 180:
        raise bad(f"`{part}` is not a point on earth")
    return lat, lng


def _haversine(lat: Expr, lng: Expr, point: tuple[float, float], radius: float) -> Expr:
    def fn(name: str, *args: Any) -> Expr:
        result: Expr = getattr(func, name)(*args, type_=Float)
        return result

    lat0, lng0 = point
    half_lat = fn("sin", fn("radians", lat - lat0) / 2)
    half_lng = fn("sin", fn("radians", lng - lng0) / 2)
    cosines = fn("cos", fn("radians", lat)) * math.cos(math.radians(lat0))
    chord = half_lat * half_lat + cosines * half_lng * half_lng
    # clamped into [0, 1]: rounding must never hand asin or sqrt a value out of its domain
    # (CASE, not LEAST: PostgreSQL's LEAST skips NULLs, a missing point must stay NULL)
    clamped = case((chord > 1.0, 1.0), (chord < 0.0, 0.0), else_=chord)
    return 2 * radius * fn("asin", fn("sqrt", clamped))
