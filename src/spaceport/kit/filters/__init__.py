"""The LoopBack filter language (reference "Filters", COMPAT §4.1 through COMPAT §4.6): a query's
`filter` parsed into a `Filter`, its `where` and `order` compiled to SQLAlchemy with identical
results on SQLite and PostgreSQL.

The seams, from the bottom up:

- `parsing`: the `filter` of a query read into a `Filter`, without SQL (COMPAT §1.4 bracket
  keys or JSON, COMPAT §4.2 order, COMPAT §4.3 include, COMPAT §4.4 fields, COMPAT §4.5 paging);
- `coercion`: bracket-key strings coerced to a column's type, or read loosely for JSON;
- `targets`: what a key names, a property or a path inside a JSON column;
- `engines`: a value inside a JSON column in SQLite's and in PostgreSQL's own functions;
- `geo`: `near`, by haversine distance;
- `regex`: the regular expressions both engines read alike;
- `operands`: a property as the operators see it, typed or JSON;
- `where`: `where` compiled to one SQL condition (the rules where connectors disagree);
- `statements`: a filter applied to a SELECT, the count of a `where`, the order.
"""

from spaceport.kit.filters.parsing import Filter, parse_filter, parse_where, project
from spaceport.kit.filters.statements import apply_filter, count_stmt, order_by
from spaceport.kit.filters.where import compile_where

__all__ = [
    "Filter",
    "apply_filter",
    "compile_where",
    "count_stmt",
    "order_by",
    "parse_filter",
    "parse_where",
    "project",
]
