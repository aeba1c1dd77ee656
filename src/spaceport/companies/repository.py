"""Every query of the company directory.

Search runs in stages (the service decides their order); each stage is one query that stops
at its limit:

- `by_number`: exact registration or tax number, through their indexes;
- `by_name_prefix`: names starting with the term, as a range on `search_name` that the
  (country_code, search_name, id) or (search_name, id) index serves in order;
- `containing`: names containing a fragment anywhere (a scan over an index that stops at
  the limit, in no set order; the service ranks the few rows it gives).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from spaceport.companies.models import Company
from spaceport.kit.filters import Filter, apply_filter
from spaceport.kit.repository import dialect_of

# Sorts after every character a name can hold: `key + _TOP` bounds the names starting with key.
_TOP = "\U0010ffff"
# Columns a re-import overwrites; `id` stays, so links to a company survive updates.
_UPDATED = (
    "name",
    "address",
    "address2",
    "city",
    "zip",
    "country",
    "tax_number",
    "tax_subject",
    "search_name",
)


def _in_country(country_code: str | None) -> list[ColumnElement[bool]]:
    return [] if country_code is None else [Company.country_code == country_code]


def by_number(
    session: Session, numbers: Sequence[str], country_code: str | None, limit: int
) -> list[Company]:
    """Companies whose registration or tax number is one of `numbers`."""
    stmt = (
        select(Company)
        .where(
            (Company.company_number.in_(numbers)) | (Company.tax_number.in_(numbers)),
            *_in_country(country_code),
        )
        .order_by(Company.search_name, Company.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def by_name_prefix(
    session: Session, key: str, country_code: str | None, limit: int
) -> list[Company]:
    """Companies whose `search_name` starts with `key`, in `search_name` order."""
    stmt = (
        select(Company)
        .where(
            *_in_country(country_code),
            Company.search_name >= key,
            Company.search_name < key + _TOP,
        )
        .order_by(Company.search_name, Company.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def containing(
    session: Session, fragment: str, country_code: str | None, limit: int
) -> list[tuple[str, str]]:
    """(id, search_name) of up to `limit` companies whose `search_name` contains `fragment`, in
    no set order. Only indexed columns are read, so the scan runs over an index (a fraction of
    the table) and, without an ORDER BY, ends as soon as it has `limit` rows."""
    stmt = (
        select(Company.id, Company.search_name)
        .where(
            *_in_country(country_code),
            Company.search_name.contains(fragment, autoescape=True),
        )
        .limit(limit)
    )
    return [(row.id, row.search_name) for row in session.execute(stmt)]


def listed(session: Session, flt: Filter) -> list[Company]:
    """The directory through the filter language (COMPAT §4.1)."""
    stmt = apply_filter(select(Company), flt, Company, dialect_of(session))
    return list(session.scalars(stmt))


def by_ids(session: Session, ids: Sequence[str]) -> list[Company]:
    return list(session.scalars(select(Company).where(Company.id.in_(ids))))


def is_empty(session: Session) -> bool:
    return session.scalar(select(Company.id).limit(1)) is None


def _upsert_statement(dialect: str) -> Insert:
    """INSERT ... ON CONFLICT (country_code, company_number) DO UPDATE, in the dialect's
    spelling (both engines read the same SQL, but SQLAlchemy builds it per dialect)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Company)
    return stmt.on_conflict_do_update(
        index_elements=[Company.country_code, Company.company_number],
        set_={name: stmt.excluded[name] for name in _UPDATED},
    )


def upsert(session: Session, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert or update `rows` (complete column dicts without `id`) in one executemany.
    Rows repeating a (country_code, company_number) keep the last: PostgreSQL refuses to
    update one row twice in a statement."""
    unique = {(row["country_code"], row["company_number"]): row for row in rows}
    if not unique:
        return 0
    connection = session.connection()  # Core executemany: no ORM bookkeeping per row
    connection.execute(_upsert_statement(dialect_of(session)), list(unique.values()))
    return len(unique)
