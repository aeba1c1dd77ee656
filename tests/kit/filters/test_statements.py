"""COMPAT §4.2, COMPAT §4.5: a filter applied to a SELECT: soft delete (COMPAT §5.1), order,
paging, count."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from spaceport.kit.db import Database
from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import count_stmt, order_by, parse_where
from tests.kit.filters.probes import (
    COMPARE,
    JSON_PATHS,
    TEXT_OPERATORS,
    TYPED,
    Probe,
    RandomProbe,
    listed,
    query_string,
)


def test_soft_deleted_rows_leave_unless_deleted_is_asked(db: Database) -> None:
    assert listed(db, {}) == ["p1", "p2", "p3", "p4", "p6"]
    assert listed(db, query_string("filter[deleted]=true")) == ["p1", "p2", "p3", "p4", "p5", "p6"]


def test_order_forms_with_nulls_first_ascending_and_id_tiebreak(db: Database) -> None:
    def everything(order: Any) -> list[str]:
        return listed(db, {"filter": {"deleted": True, "order": order}})

    assert everything("qty DESC") == ["p6", "p5", "p3", "p2", "p1", "p4"]
    # code point order on both engines: capitals before small letters, NULL first
    assert everything({"name": "ASC"}) == ["p4", "p5", "p3", "p1", "p6", "p2"]
    assert everything(["paid DESC", "qty"]) == ["p1", "p3", "p4", "p2", "p5", "p6"]
    text = "filter[order][0]=paid ASC&filter[order][1]=due DESC&filter[deleted]=1"
    assert listed(db, query_string(text)) == ["p6", "p2", "p4", "p5", "p3", "p1"]


def test_order_by_a_custom_path_ranks_missing_numbers_strings_booleans(db: Database) -> None:
    query = {"filter": {"deleted": True, "order": "custom.n"}}
    assert listed(db, query) == ["p4", "p5", "p3", "p1", "p2", "p6"]
    query = {"filter": {"deleted": True, "order": "custom.n DESC"}}
    assert listed(db, query) == ["p6", "p2", "p1", "p3", "p4", "p5"]


def test_limit_skip_and_offset(db: Database) -> None:
    assert listed(db, query_string("filter[limit]=2")) == ["p1", "p2"]
    assert listed(db, query_string("filter[limit]=2&filter[skip]=2")) == ["p3", "p4"]
    assert listed(db, {"filter": {"offset": 4}}) == ["p6"]
    assert listed(db, {"filter": '{"limit": 1, "skip": 1, "order": "qty DESC"}'}) == ["p3"]


def test_count_takes_where_and_never_counts_deleted(db: Database) -> None:
    with db.transaction(write=False) as session:
        where = parse_where(query_string("where[paid]=false"))
        assert session.scalar(count_stmt(select(Probe), where, Probe, db.dialect)) == 3
        assert session.scalar(count_stmt(select(Probe), {}, Probe, db.dialect)) == 5


def test_unknown_order_property_is_400() -> None:
    with pytest.raises(BadRequest, match="unknown property `nope` in `order`"):
        order_by([("nope", False)], Probe, "sqlite")
    with pytest.raises(BadRequest, match="cannot sort by `_lines"):
        order_by([("_lines.name", False)], Probe, "sqlite")


# --- property: any filter is answered or refused ----------------------------------------------

JUNK_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.decimals(),
    st.floats(),
    st.text(max_size=6),
    st.sampled_from(["1", "true", "null", "2020-01-01", "1,2", "153.5,-28", "/a/i", "%", "("]),
    st.sampled_from(["[", "\\", "a{", "ASC", "name DESC", "custom.n", "\ud800", "1e999"]),
    st.sampled_from([2**31, -(2**31) - 1, 2**63, 10**30, "2147483648", "1.00001", "x{9}{9}"]),
)


JUNK_KEYS = st.sampled_from(
    [*TYPED, *JSON_PATHS, "custom", "_lines", "_client", "place", "id", "custom.loc", "nope"]
    + ["and", "or", "eq", "neq", "gt", "between", "inq", "nin", "like", "nlike", "regexp", "near"]
    + ["options", "maxDistance", "unit", "0", "1", "relation"]
)


JUNK = st.recursive(
    JUNK_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(JUNK_KEYS, inner, max_size=3)
    ),
    max_leaves=12,
)


PROPERTIES = [*TYPED, *JSON_PATHS, "custom.loc", "place", "id", "_lines", "and", "or"]


OPERATORS_AND_MODIFIERS = [*COMPARE, "eq", "neq", "between", "inq", "nin", *TEXT_OPERATORS, "near"]
OPERATORS_AND_MODIFIERS += ["options", "maxDistance", "unit"]


JUNK_CONDITIONS = st.one_of(
    JUNK,
    st.dictionaries(st.sampled_from(OPERATORS_AND_MODIFIERS), JUNK_SCALARS, min_size=1, max_size=3),
    st.lists(st.dictionaries(st.sampled_from(PROPERTIES), JUNK, max_size=2), max_size=2),
)


JUNK_WHERES = st.dictionaries(st.sampled_from(PROPERTIES), JUNK_CONDITIONS, max_size=3)


CLAUSES = ["order", "limit", "skip", "offset", "fields", "include", "deleted"]


JUNK_FILTERS = st.one_of(
    st.dictionaries(st.sampled_from(CLAUSES), JUNK, max_size=4),
    JUNK_WHERES.map(lambda where: {"where": where}),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(flt=JUNK_FILTERS)
def test_any_filter_is_answered_or_refused_with_a_400_never_a_crash(
    databases: dict[str, Database], flt: dict[str, Any]
) -> None:
    """COMPAT §2.2, COMPAT §4.6: whatever a client sends, the engines answer or the filter is a
    400."""
    for db in databases.values():
        try:
            listed(db, {"filter": flt}, RandomProbe)
        except BadRequest:
            pass
