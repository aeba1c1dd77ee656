"""A query's `filter` read into a `Filter` (COMPAT §4.1 through COMPAT §4.6), without SQL: the
clauses checked and normalized, so the SQL side sees one shape whether the client sent bracket keys
or JSON (COMPAT §1.4)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from spaceport.kit.errors import BadRequest

_FILTER_KEYS = frozenset(
    {"where", "fields", "include", "order", "limit", "skip", "offset", "deleted"}
)
_MAX_INT = 2**62
_INTEGER = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: `\d` also accepts digits int() refuses
_DIGITS = re.compile(r"[0-9]+")
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def bad(message: str) -> BadRequest:
    """COMPAT §4.6: a malformed filter is a 400 that names the wrong part."""
    return BadRequest(f"Invalid filter: {message}")


@dataclass(frozen=True)
class Filter:
    where: dict[str, Any]
    fields: dict[str, bool] | None
    include: list[str | dict[str, Any]]
    order: list[tuple[str, bool]]
    limit: int | None
    skip: int
    deleted: bool


def parse_filter(query: Mapping[str, Any]) -> Filter:
    """The `filter` of a decoded query, as bracket keys or one JSON string (COMPAT §1.4)."""
    raw = _json_object(query.get("filter"), "filter")
    unknown = sorted(set(raw) - _FILTER_KEYS)
    if unknown:
        raise bad(f"unknown clause `{unknown[0]}`")
    where = raw.get("where")
    if where is None:
        where = query.get("where")
    skip = raw.get("skip")
    return Filter(
        where=_json_object(where, "where"),
        fields=_parse_fields(raw.get("fields")),
        include=_parse_include(raw.get("include")),
        order=_parse_order(raw.get("order")),
        limit=_count_param(raw.get("limit"), "limit"),
        skip=_count_param(raw.get("offset") if skip is None else skip, "skip") or 0,
        deleted=_parse_flag(raw.get("deleted", False), "deleted"),
    )


def parse_where(query: Mapping[str, Any]) -> dict[str, Any]:
    """The `where` of a count endpoint: `where`, or the `where` of `filter` (COMPAT §4.5)."""
    if query.get("where") is not None:
        return _json_object(query["where"], "where")
    return _json_object(_json_object(query.get("filter"), "filter").get("where"), "where")


def project(item: dict[str, Any], fields: dict[str, bool] | None) -> dict[str, Any]:
    """COMPAT §4.4: `{"type": true}` keeps the listed properties and `id`; `{"note": false}`
    drops the listed ones."""
    if not fields:
        return item
    if any(fields.values()):
        return {key: value for key, value in item.items() if fields.get(key) or key == "id"}
    return {key: value for key, value in item.items() if fields.get(key, True)}


def read_integer(value: Any) -> int | None:
    """An integer sent as a JSON number or as bracket-key text; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


def read_flag(value: Any) -> bool | None:
    """`true`/`false` (or `1`/`0`) sent as JSON or as bracket-key text; None for anything else."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, str | int) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def is_index_map(value: Mapping[Any, Any]) -> bool:
    """qs turns `a[0]=x&a[1]=y` into a list, but big or odd indices into {"0": .., "1": ..}."""
    return bool(value) and all(isinstance(key, str) and _DIGITS.fullmatch(key) for key in value)


def as_list(value: Any, part: str) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, Mapping) and is_index_map(value):
        return [value[key] for key in sorted(value, key=int)]
    raise bad(f"`{part}` must be a list")


def _json_object(value: Any, part: str) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value, parse_float=Decimal)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
            raise bad(f"`{part}` is not valid JSON ({exc})") from exc
    if value is None:  # `filter=null`, as JSON.stringify(null) sends it
        return {}
    if not isinstance(value, Mapping):
        raise bad(f"`{part}` must be an object")
    return dict(value)


def _count_param(value: Any, part: str) -> int | None:
    """`limit`, `skip`: non-negative integers, as numbers or strings."""
    if value is None or value == "":
        return None
    number = read_integer(value)
    if number is None or not 0 <= number <= _MAX_INT:
        raise bad(f"`{part}` must be a non-negative integer")
    return number


def _parse_flag(value: Any, part: str) -> bool:
    flag = read_flag(value)
    if flag is None and isinstance(value, str) and not value.strip():
        return False
    if flag is None:
        raise bad(f"`{part}` must be true or false")
    return flag


def _parse_fields(value: Any) -> dict[str, bool] | None:
    """COMPAT §4.4: `{"type": true}`, `{"note": false}`, or a list of names to keep."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = [name.strip() for name in value.split(",")]
    if isinstance(value, Mapping) and not is_index_map(value):
        return {str(name): _parse_flag(flag, f"fields.{name}") for name, flag in value.items()}
    names = as_list(value, "fields")
    if not all(isinstance(name, str) and name for name in names):
        raise bad("`fields` must name properties")
    return dict.fromkeys(names, True) or None


def _parse_include(value: Any) -> list[str | dict[str, Any]]:
    """COMPAT §4.3: a relation name, a list, or an object (`{"tax": "taxRate"}`)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping) and not is_index_map(value):
        if "relation" in value:
            return [dict(value)]
        return [{str(key): scope} for key, scope in value.items()]
    items: list[str | dict[str, Any]] = []
    for item in as_list(value, "include"):
        if isinstance(item, str) and item:
            items.append(item)
        elif isinstance(item, Mapping):
            items.extend(_parse_include(item))
        else:
            raise bad("`include` must name relations")
    return items


def _parse_order(value: Any) -> list[tuple[str, bool]]:
    """COMPAT §4.2: `"date DESC"`, a list of such strings, or `{"date": "DESC"}`."""
    if value is None or value == "":
        return []
    if isinstance(value, Mapping) and not is_index_map(value):
        return [(str(key), _direction(direction, key)) for key, direction in value.items()]
    entries = [value] if isinstance(value, str) else as_list(value, "order")
    order: list[tuple[str, bool]] = []
    for entry in entries:
        if not isinstance(entry, str):
            raise bad("`order` must be property names with ASC or DESC")
        order.extend(_order_entry(part) for part in entry.split(","))
    return order


def _order_entry(entry: str) -> tuple[str, bool]:
    words = entry.split()
    if not 1 <= len(words) <= 2:
        raise bad(f"`order` entry `{entry.strip()}` must be `<property> [ASC|DESC]`")
    return words[0], _direction(words[1] if len(words) == 2 else "", words[0])


def _direction(value: Any, prop: str) -> bool:
    text = value.strip().upper() if isinstance(value, str) else None
    if text not in ("", "ASC", "DESC"):
        raise bad(f"`order` direction of `{prop}` must be ASC or DESC")
    return text == "DESC"
