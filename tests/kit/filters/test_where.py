"""COMPAT §4.1: `where` compiled to one condition, one operator at a time and at random."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spaceport.kit.db import Database
from tests.kit.filters.probes import (
    COMPARE,
    JSON_PATHS,
    RANDOM_ROWS,
    TEXT_OPERATORS,
    TYPED,
    RandomProbe,
    assert_refused,
    ids,
    query_string,
)


def test_reference_where_examples_from_the_query_string(db: Database) -> None:
    where = query_string("filter[where][name]=Estimate 2019-001")["filter"]["where"]
    assert ids(db, where) == ["p3"]
    where = query_string("filter[where][qty][inq]=1&filter[where][qty][inq]=3")["filter"]["where"]
    assert ids(db, where) == ["p1", "p3"]
    where = query_string("filter[where][paid][neq]=false")["filter"]["where"]
    assert ids(db, where) == ["p1", "p3"]


def test_and_or_take_lists_and_index_maps(db: Database) -> None:
    assert ids(db, {"or": [{"qty": "1"}, {"qty": "3"}]}) == ["p1", "p3"]
    assert ids(db, {"or": {"0": {"qty": "1"}, "1": {"qty": "3"}}}) == ["p1", "p3"]
    assert ids(db, {"and": [{"paid": "false"}, {"qty": {"gt": "1"}}]}) == ["p2", "p5", "p6"]
    text = "filter[where][or][0][qty]=1&filter[where][or][1][name]=a_b%25c"
    assert ids(db, query_string(text)["filter"]["where"]) == ["p1", "p6"]
    assert ids(db, {"and": []}) == ["p1", "p2", "p3", "p4", "p5", "p6"]
    assert ids(db, {"or": []}) == []


def test_between_is_inclusive(db: Database) -> None:
    where = {"due": {"between": ["2018-04-01T18:30:00.000Z", "2019-01-15"]}}
    assert ids(db, where) == ["p1", "p2", "p3"]
    assert ids(db, {"qty": {"between": {"0": "2", "1": "5"}}}) == ["p2", "p3", "p5"]


def test_inq_and_nin(db: Database) -> None:
    assert ids(db, {"qty": {"inq": ["1", "3"]}}) == ["p1", "p3"]
    assert ids(db, {"qty": {"inq": "2"}}) == ["p2"]
    assert ids(db, {"qty": {"inq": ["2", None]}}) == ["p2", "p4"]
    assert ids(db, {"qty": {"inq": []}}) == []
    assert ids(db, {"qty": {"nin": ["1", "3"]}}) == ["p2", "p5", "p6"]  # NULL never matches
    assert ids(db, {"qty": {"nin": "1"}}) == ["p2", "p3", "p5", "p6"]
    assert ids(db, {"qty": ["1", "3"]}) == ["p1", "p3"]  # repeated bracket key: a list


def test_neq_is_sql_not_equal_and_neq_null_is_not_null(db: Database) -> None:
    assert ids(db, {"paid": {"neq": "false"}}) == ["p1", "p3"]
    assert ids(db, {"qty": {"neq": "1"}}) == ["p2", "p3", "p5", "p6"]
    assert ids(db, {"qty": {"neq": None}}) == ["p1", "p2", "p3", "p5", "p6"]


@pytest.mark.parametrize(
    ("where", "named"),
    [
        ({"qty": {"between": ["1"]}}, "`where.qty.between` needs two values"),
        ({"qty": {"gt": None}}, "`where.qty.gt` needs a value"),
        ({"qty": {"great": 1}}, "`where.qty`: unknown operator `great`"),
        ({"name": {"options": "i", "eq": "a"}}, "`where.name.options` needs one of"),
        ({"and": {"x": 1}}, "`where.and` must be a list"),
        ({"and": ["x"]}, "`where.and.0` must be an object"),
    ],
)
def test_malformed_where_is_400_naming_the_part(where: dict[str, Any], named: str) -> None:
    assert_refused(where, named)


# --- property: both engines and a plain Python reading agree ----------------------------------

MISSING = object()
TEXT_VALUES = ["alpha", "Alpha", "beta", "a_b", "2018-001", "", "zeta", "Ωmega", "true", "1"]
JSON_FILTER_VALUES: list[Any] = ["0", "1", "2", "42", "-3", "2.5", "alpha", "Beta", "", "true"]
JSON_FILTER_VALUES += ["false", "null", "2020-01-01", 1, 42, Decimal("2.5"), True, False]
TYPED_VALUES: dict[str, list[Any]] = {
    "string": TEXT_VALUES,
    "int": ["-5", "0", "1", "3", "42", 2, 10],
    "decimal": ["0", "1.5", "2.25", "-3.75", Decimal("10"), 2],
    "bool": ["true", "false", "1", "0", True, False],
    "datetime": ["2020-01-01", "2020-01-01T12:30:00.000Z", "2019-12-31T23:59:59Z", "2021-06-15"],
}
REGEXPS = ["^a", "a$", "^[ab]", "l.h", "a|e", "^\\d", "ta$", "^A", "[0-9]+-", "^$", "(al|be)t"]
REGEXPS += ["a.*a", "\\w\\W", "e\\nb", "e.b", "[^a-z]", "^.{4}$", "/^B/i"]
LIKES = ["a%", "%a", "%a_", "_eta", "%\\_%", "A%", "2018%", "a\\%b", "al.*", "%", "%e_", "beta"]


def coerce_typed(kind: str, raw: Any) -> Any:
    if raw is None or (raw == "null" and kind != "string"):
        return None
    if kind == "int":
        return int(raw)
    if kind == "decimal":
        return Decimal(str(raw))
    if kind == "bool":
        return raw if isinstance(raw, bool) else raw in ("true", "1")
    if kind == "datetime":
        text = raw if len(raw) > 10 else raw + "T00:00:00Z"
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    return raw


def loose(raw: Any) -> dict[str, Any]:
    """The reading of a filter value against JSON of unknown type (COMPAT §4.1)."""
    if isinstance(raw, bool):
        return {"text": str(raw).lower(), "number": None, "bool": raw, "null": False}
    if isinstance(raw, int | Decimal):
        return {"text": str(raw), "number": Decimal(raw), "bool": None, "null": False}
    number = Decimal(raw) if re.fullmatch(r"-?\d+(\.\d+)?", raw) else None
    boolean = {"true": True, "false": False}.get(raw)
    return {"text": raw, "number": number, "bool": boolean, "null": raw == "null"}


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def py_regex(op: str, pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """`like` with `%`/`_` as SQL LIKE, anything else as a regular expression where `.` also
    matches a newline and `$` only the very end."""
    flags = re.S | (re.I if ignore_case else 0)
    literal = re.fullmatch(r"/(.*)/([a-z]*)", pattern)
    if op == "regexp" and literal:
        pattern, flags = literal.group(1), flags | (re.I if "i" in literal.group(2) else 0)
    if op == "regexp" or ("%" not in pattern and "_" not in pattern):
        return re.compile(pattern.replace("$", r"\Z"), flags)
    out, escaped = "", False
    for char in pattern:
        if escaped:
            out, escaped = out + re.escape(char), False
        elif char == "\\":
            escaped = True
        else:
            out += {"%": ".*", "_": "."}.get(char, re.escape(char))
    return re.compile("^" + out + r"\Z", flags)


class PyValue:
    """One stored value and the operators on it, read in plain Python."""

    def __init__(self, value: Any, kind: str | None) -> None:
        self.value = value
        self.kind = kind  # None: JSON of unknown type

    def absent(self) -> bool:
        return self.value is None or self.value is MISSING

    def equals(self, raw: Any) -> bool:
        if self.kind is not None:
            return bool(self.value == coerce_typed(self.kind, raw))
        want, value = loose(raw), self.value
        return (
            (isinstance(value, str) and value == want["text"])
            or (
                want["number"] is not None
                and is_number(value)
                and Decimal(str(value)) == want["number"]
            )
            or (want["bool"] is not None and value is want["bool"])
            or (want["null"] and self.absent())
        )

    def test(self, op: str, raw: Any, options: str | None) -> bool:
        if op == "eq":
            return self.absent() if raw is None else self.equals(raw)
        if op == "neq":
            return not self.absent() and (raw is None or not self.equals(raw))
        if op in ("inq", "nin"):
            values = raw if isinstance(raw, list) else [raw]
            found = any(self.test("eq", value, None) for value in values)
            return found if op == "inq" else not self.absent() and not found
        if op in COMPARE:
            return self.compare(op, raw)
        if op == "between":
            return self.compare("gte", raw[0]) and self.compare("lte", raw[1])
        if not isinstance(self.value, str):
            return False
        found = bool(py_regex(op, raw, options == "i").search(self.value))
        return not found if op == "nlike" else found

    def compare(self, op: str, raw: Any) -> bool:
        if self.kind is not None:
            wanted = coerce_typed(self.kind, raw)
            return self.value is not None and COMPARE[op](self.value, wanted)
        want = loose(raw)
        if want["number"] is not None:
            return is_number(self.value) and COMPARE[op](Decimal(str(self.value)), want["number"])
        return isinstance(self.value, str) and COMPARE[op](self.value, want["text"])


def json_get(document: Any, path: list[str]) -> Any:
    for key in path:
        if not isinstance(document, dict) or key not in document:
            return MISSING
        document = document[key]
    return document


def py_values(row: dict[str, Any], prop: str) -> list[PyValue]:
    """The values a property names in a row: one, or one per array element."""
    if prop in TYPED:
        return [PyValue(row.get(prop), TYPED[prop])]
    head, *path = prop.split(".")
    if head == "_lines":
        return [PyValue(json_get(line, path), None) for line in row["lines"]]
    document = row["custom"] if head == "custom" else row["client"]
    return [PyValue(json_get(document, path), None)]


def py_match(row: dict[str, Any], where: dict[str, Any]) -> bool:
    for key, condition in where.items():
        if key in ("and", "or"):
            subs = condition.values() if isinstance(condition, dict) else condition
            results = [py_match(row, sub) for sub in subs]
            if not (all(results) if key == "and" else any(results)):
                return False
            continue
        ops = condition if isinstance(condition, dict) else {"eq": condition}
        options = ops.get("options")
        if not any(
            all(value.test(op, raw, options) for op, raw in ops.items() if op != "options")
            for value in py_values(row, key)
        ):
            return False
    return True


OPERATORS = ["bare", "eq", "neq", "gt", "gte", "lt", "lte", "between", "inq", "nin", "range"]


def leaf(prop: str, op: str) -> st.SearchStrategy[dict[str, Any]]:
    """One condition on `prop`; values are strings (bracket keys) or JSON-typed values."""
    kind = TYPED.get(prop)
    values = st.sampled_from(TYPED_VALUES[kind] if kind else JSON_FILTER_VALUES)
    nullable = st.one_of(st.none(), values)
    if op == "bare":
        return nullable.map(lambda v: {prop: v})
    if op in ("eq", "neq"):
        return nullable.map(lambda v: {prop: {op: v}})
    if op in ("inq", "nin"):
        return st.lists(nullable, max_size=3).map(lambda vs: {prop: {op: vs}})
    if op == "between":
        return st.lists(values, min_size=2, max_size=2).map(lambda b: {prop: {op: b}})
    if op == "range":  # two operators on one property: the same element of an array
        return st.tuples(values, values).map(lambda t: {prop: {"gte": t[0], "lt": t[1]}})
    if op in COMPARE:
        return values.map(lambda v: {prop: {op: v}})
    patterns = st.sampled_from(REGEXPS if op == "regexp" else LIKES + REGEXPS[:-1])
    options = st.sampled_from([{}, {"options": "i"}])
    return st.tuples(patterns, options).map(lambda t: {prop: {op: t[0], **t[1]}})


def leaves(prop: str) -> st.SearchStrategy[dict[str, Any]]:
    text = TYPED.get(prop) in (None, "string")
    return st.sampled_from(OPERATORS + TEXT_OPERATORS * text).flatmap(lambda op: leaf(prop, op))


LEAVES = st.sampled_from([*TYPED, *JSON_PATHS]).flatmap(leaves)


def combine(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    both = st.lists(children, min_size=1, max_size=3)
    return st.one_of(
        both.map(lambda subs: {"and": subs}),
        both.map(lambda subs: {"or": subs}),
        both.map(lambda subs: {"or": {str(i): sub for i, sub in enumerate(subs)}}),
        st.tuples(children, children).map(lambda pair: {**pair[1], **pair[0]}),
    )


WHERES = st.recursive(LEAVES, combine, max_leaves=6)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=WHERES)
def test_engines_and_python_agree_on_random_wheres(
    databases: dict[str, Database], where: dict[str, Any]
) -> None:
    expected = sorted(row["id"] for row in RANDOM_ROWS if py_match(row, where))
    for name, db in databases.items():
        assert ids(db, where, RandomProbe) == expected, name
