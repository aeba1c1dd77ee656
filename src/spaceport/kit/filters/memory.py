"""The where language of COMPAT §4.1 evaluated on JSON values in memory, for what is not in
the database: a flow trigger's `where` on the event's `data` (FLOWS §F4.1), a flow filter's or
branch's `where` on the run's context (FLOWS §F5.3), and the static lists (countries,
currencies) a parsed `Filter` narrows (`listed`, COMPAT §4.6). The rules are those
`kit.filters.where` compiles to SQL for JSON paths:

- a dotted key is a path (an object value holds operators: a nested path is spelled dotted);
  a number indexes a list, and a path through a list matches when any element matches
  (`_documentClient.name`), all operators of one key holding for the same one;
- a filter value `"42"` matches a stored 42 and "42", `"true"` a stored true; `null` matches a
  missing value or JSON null;
- `neq`, `nin`, `nlike` never match a missing value; `gt`/`gte`/`lt`/`lte`/`between` compare
  numerically against numbers when the filter value is a number, else as text against strings;
- `like` (with `%`/`_` SQL LIKE, else a regular expression searched), `regexp`, `options: "i"`
  exactly as `kit.filters.regex` reads them; `near` is not offered (FLOWS §F3.3)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import regex
from spaceport.kit.filters.parsing import Filter, bad, project

COMPARISONS = frozenset({"gt", "gte", "lt", "lte"})
REGEX_OPERATORS = frozenset({"like", "nlike", "ilike", "nilike", "regexp"})
OPERATORS = frozenset({"eq", "neq", "between", "inq", "nin", *COMPARISONS, *REGEX_OPERATORS})
MODIFIERS = frozenset({"options"})
MISSING: Any = object()


# -- checking (FLOWS §F3.3) ----------------------------------------------------------------
def problems(where: Any, part: str) -> list[str]:
    """What makes `where` unreadable, each message naming its place below `part`."""
    found: list[str] = []
    _check(where, part, found)
    return found


def _check(where: Any, part: str, found: list[str]) -> None:
    if not isinstance(where, Mapping):
        found.append(f"`{part}` must be an object")
        return
    for key, value in where.items():
        here = f"{part}.{key}"
        if key in ("and", "or"):
            if not isinstance(value, list):
                found.append(f"`{here}` must be a list")
                continue
            for i, sub in enumerate(value):
                _check(sub, f"{here}[{i}]", found)
        elif isinstance(value, Mapping):
            _check_condition(value, here, found)


def _check_condition(value: Mapping[str, Any], part: str, found: list[str]) -> None:
    if "near" in value:
        found.append(f"`{part}`: `near` is not offered here")
    if not value:
        found.append(f"`{part}` has no condition")
    for op, arg in value.items():
        if op == "near":
            continue
        if op not in OPERATORS and op not in MODIFIERS:
            found.append(f"`{part}`: unknown operator `{op}`")
        elif op == "between" and not (isinstance(arg, list) and len(arg) == 2):
            found.append(f"`{part}.between` needs two values")
        elif op in ("inq", "nin") and not isinstance(arg, list):
            found.append(f"`{part}.{op}` needs a list")
        elif op in COMPARISONS and arg is None:
            found.append(f"`{part}.{op}` needs a value, not null")
        elif op in REGEX_OPERATORS and not _templated(arg):
            try:
                regex.pattern(op, arg, value.get("options"), f"{part}.{op}")
            except BadRequest as exc:
                found.append(exc.message.removeprefix("Invalid filter: "))
    if "options" in value and not REGEX_OPERATORS & set(value):
        found.append(f"`{part}.options` needs one of {', '.join(sorted(REGEX_OPERATORS))}")


def _templated(value: Any) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


# -- matching ------------------------------------------------------------------------------
def matches(where: Mapping[str, Any], data: Any) -> bool:
    """Whether `data` (a JSON value) satisfies `where`; `where` was checked at save."""
    return all(_clause(str(key), value, data) for key, value in where.items())


def _clause(key: str, value: Any, data: Any) -> bool:
    if key == "and":
        return all(matches(sub, data) for sub in value)
    if key == "or":
        return any(matches(sub, data) for sub in value)
    return _condition(key.split("."), value, data)


def _condition(path: list[str], value: Any, data: Any) -> bool:
    if isinstance(value, Mapping):
        ops = [(op, arg) for op, arg in value.items() if op in OPERATORS]
        test: Callable[[Any], bool] = lambda c: all(  # noqa: E731
            _operator(op, arg, c, value.get("options")) for op, arg in ops
        )
    elif isinstance(value, list):
        test = lambda c: _inq(value, c)  # noqa: E731
    else:
        test = lambda c: _eq(value, c)  # noqa: E731
    return any(test(candidate) for candidate in candidates(data, path))


def candidates(data: Any, path: list[str]) -> Iterator[Any]:
    """The values at `path`: one per list element crossed; a list at the end gives its
    elements; MISSING when the path leads nowhere."""
    if not path:
        if isinstance(data, list) and data:
            yield from data
        else:
            yield MISSING if data is None else data
        return
    head, rest = path[0], path[1:]
    if isinstance(data, list):
        if head.isdigit():
            index = int(head)
            yield from candidates(data[index] if index < len(data) else None, rest)
            return
        if not data:
            yield MISSING
        for element in data:
            yield from candidates(element, path)
        return
    if isinstance(data, Mapping) and head in data:
        yield from candidates(data[head], rest)
        return
    yield MISSING


def _operator(op: str, arg: Any, candidate: Any, options: Any) -> bool:
    if op == "eq":
        return _eq(arg, candidate)
    if op == "neq":
        present = candidate is not MISSING
        return present if arg is None else present and not _eq(arg, candidate)
    if op == "inq":
        return _inq(arg, candidate)
    if op == "nin":
        return candidate is not MISSING and not _inq([a for a in arg if a is not None], candidate)
    if op in COMPARISONS:
        return _compare(op, arg, candidate)
    if op == "between":
        return _compare("gte", arg[0], candidate) and _compare("lte", arg[1], candidate)
    return _regex(op, arg, candidate, options)


def number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            found = Decimal(value.strip())
        except InvalidOperation:
            return None
        return found if found.is_finite() else None
    return None


def _eq(arg: Any, candidate: Any) -> bool:
    if arg is None:
        return candidate is MISSING
    if candidate is MISSING:
        return False
    if isinstance(candidate, bool) or isinstance(arg, bool):
        return str(arg).lower() == str(candidate).lower()
    if isinstance(candidate, int | float | Decimal):
        found = number(arg)
        return found is not None and found == number(candidate)
    if isinstance(candidate, str):
        return candidate == (arg if isinstance(arg, str) else _text(arg))
    return bool(candidate == arg)


def _text(value: Any) -> str:
    found = number(value)
    return format(found.normalize(), "f") if found is not None else str(value)


def _inq(values: list[Any], candidate: Any) -> bool:
    return any(_eq(value, candidate) for value in values)


def _compare(op: str, arg: Any, candidate: Any) -> bool:
    if candidate is MISSING or isinstance(candidate, bool):
        return False
    left: Any
    right: Any
    if isinstance(candidate, int | float | Decimal) and number(arg) is not None:
        left, right = number(candidate), number(arg)
    elif isinstance(candidate, str) and not isinstance(arg, bool):
        left, right = candidate, arg if isinstance(arg, str) else _text(arg)
    else:
        return False
    if op == "gt":
        return bool(left > right)
    if op == "gte":
        return bool(left >= right)
    if op == "lt":
        return bool(left < right)
    return bool(left <= right)


def _regex(op: str, arg: Any, candidate: Any, options: Any) -> bool:
    if not isinstance(candidate, str):
        return False
    found = re.search(regex.pattern(op, arg, options, op), candidate, re.DOTALL) is not None
    return not found if op in ("nlike", "nilike") else found


# -- static lists (COMPAT §4.6) -------------------------------------------------------------
def listed(
    rows: list[dict[str, Any]], flt: Filter, properties: Collection[str]
) -> list[dict[str, Any]]:
    """`rows` (a list not in the database, each row with `properties`) narrowed by the one parsed
    `Filter` as a database list is: its where (COMPAT §4.1), order (COMPAT §4.2, stable: ties
    keep the list's order), skip and limit (COMPAT §4.5), fields (COMPAT §4.4). A malformed
    clause or an unknown property is the 400 of COMPAT §4.6."""
    unreadable = problems(flt.where, "where")
    if unreadable:
        raise bad(unreadable[0])
    for name in _properties_of(flt.where):
        if name not in properties:
            raise bad(f"unknown property `{name}` in `where`")
    found = [row for row in rows if matches(flt.where, row)]
    for name, descending in reversed(flt.order):
        if name not in properties:
            raise bad(f"unknown property `{name}` in `order`")
        found.sort(key=lambda row: _order_key(row.get(name), name), reverse=descending)
    end = None if flt.limit is None else flt.skip + flt.limit
    return [project(row, flt.fields) for row in found[flt.skip : end]]


def _properties_of(where: Mapping[str, Any]) -> Iterator[str]:
    """The top-level property each condition of `where` names (`taxes` of `taxes.rate`)."""
    for key, value in where.items():
        if key in ("and", "or"):
            for sub in value:
                yield from _properties_of(sub)
        else:
            yield str(key).split(".")[0]


def _order_key(value: Any, name: str) -> tuple[int, Any]:
    """Missing first, then numbers, then text (by code point), as `kit.filters.statements`
    sorts; a list or an object cannot be sorted by."""
    if value is None:
        return (0, 0)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    raise bad(f"`order` cannot sort by `{name}`")
