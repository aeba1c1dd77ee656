"""Listing and searching the company directory (reference "Companies"), and loading the shipped
sample into an empty directory."""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from spaceport.companies import importer, repository
from spaceport.companies.models import Company, search_key
from spaceport.countries.catalog import get_country
from spaceport.countries.matching import find_country
from spaceport.kit.db import Database
from spaceport.kit.errors import invalid
from spaceport.kit.filters import Filter
from spaceport.kit.serialize import to_api

SEARCH_LIMIT = 20
SEARCH_MAX = 100
LIST_LIMIT = 100  # a directory can hold millions: a list without `limit` gives one page
LIST_MAX = 1000
CONTAINING_SCAN = 10  # names containing the term read per name answered
_NUMBER_NOISE = re.compile(r"[\s.\-/]")


def answer(company: Company) -> dict[str, Any]:
    """{id, name, address, address2, city, zip, country, countryAlpha2Code, taxNumber,
    taxSubject, companyNumber}"""
    return to_api(company)


def list_companies(session: Session, flt: Filter) -> list[Company]:
    """GET /v1/companies: the filter language over the directory (COMPAT §4.1), one page."""
    limit = min(flt.limit or LIST_LIMIT, LIST_MAX)
    return repository.listed(session, replace(flt, limit=limit))


def country_code(text: str | None) -> str | None:
    """An alpha-2 code or a country name (any language, "UK", "Slovenija") as alpha-2."""
    if text is None or not text.strip():
        return None
    # a code is looked up directly: find_country builds its index of names on first use
    country = get_country(text.strip().upper()) if len(text.strip()) == 2 else None
    country = country or find_country(text)
    if country is None:
        raise invalid("country", f"{text!r} is not a known country")
    return str(country["alpha2Code"])


def search_limit(value: int | None) -> int:
    return min(value or SEARCH_LIMIT, SEARCH_MAX)


def number_candidates(term: str, country: str | None) -> list[str]:
    """The term as a registration or tax number: without spaces, dots, dashes and slashes,
    upper case; with the country prefix too when a country is given ("82646716" → SI82646716).
    Nothing when the term holds no digit: then it is no number."""
    compact = _NUMBER_NOISE.sub("", term).upper()
    if not any(char.isdigit() for char in compact):
        return []
    prefixed = [country + compact] if country and compact.isdigit() else []
    return [compact, *prefixed]


def search(session: Session, term: str, country: str | None, limit: int) -> list[Company]:
    """Search as you type, case and accent insensitive, best first:
    1. an exact registration or tax number;
    2. names starting with the term (index-backed), alphabetically;
    3. names containing the term: those where a word starts with it first, then the others,
       alphabetically within each (see `containing`).
    A stage only runs while the answer has fewer than `limit` companies."""
    key = search_key(term)
    if not key:
        return []
    numbers = number_candidates(term, country)
    stages: list[Callable[[int], list[Company]]] = [
        lambda n: repository.by_name_prefix(session, key, country, n),
        lambda n: containing(session, key, country, n),
    ]
    if numbers:
        stages.insert(0, lambda n: repository.by_number(session, numbers, country, n))
    found: dict[str, Company] = {}
    for stage in stages:
        # `limit` rows from each stage: enough even when all that `found` holds are among them
        for company in stage(limit):
            found.setdefault(company.id, company)
        if len(found) >= limit:
            break
    return list(found.values())[:limit]


def containing(session: Session, key: str, country: str | None, limit: int) -> list[Company]:
    """The best `limit` of the first CONTAINING_SCAN × `limit` names containing `key` that a
    scan meets: one scan for word starts and the rest, so a term found nowhere costs one pass
    over the name index, not two. Exact whenever fewer names contain the term."""
    matches = repository.containing(session, key, country, min(limit * CONTAINING_SCAN, 1000))
    word = " " + key

    def rank(match: tuple[str, str]) -> tuple[bool, str, str]:
        company_id, name = match
        return (not (name.startswith(key) or word in name), name, company_id)

    best = [company_id for company_id, _name in sorted(matches, key=rank)[:limit]]
    companies = {company.id: company for company in repository.by_ids(session, best)}
    return [companies[company_id] for company_id in best if company_id in companies]


# --- the shipped sample -----------------------------------------------------------------------

_sampled: weakref.WeakSet[Database] = weakref.WeakSet()
_sample_lock = threading.Lock()


def ensure_sample(db: Database) -> None:
    """Load `data/sample_*` once, when the directory is empty, so that a fresh server answers
    searches out of the box. Runs in its own writing transaction, before the request's: on
    SQLite the write lock serializes concurrent first requests; on PostgreSQL the upsert on
    (country, registration number) makes a second load change nothing."""
    if db in _sampled:
        return
    with _sample_lock:
        if db in _sampled:
            return
        with db.transaction(write=True) as session:
            if repository.is_empty(session):
                importer.load_sample(session)
        _sampled.add(db)
