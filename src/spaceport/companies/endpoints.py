"""Companies (reference "Companies"): GET /v1/companies, GET /v1/companies/search, and the
reference's own route for both, GET /v1/organizations/:id/companys (`?term=` searches;
COMPAT §1.11). A launch code is required; the directory is the same for every caller."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request

from spaceport.access.authorization import CallerDep
from spaceport.companies import service
from spaceport.companies.models import Company
from spaceport.kit.answers import answer_model, many
from spaceport.kit.errors import BadRequest, invalid
from spaceport.kit.filters import Filter, parse_filter, project
from spaceport.kit.json import ApiResponse
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db, database
from spaceport.kit.wire import Query


def sample_loaded(request: Request) -> None:
    """Fills an empty directory with the shipped sample before the request's own transaction
    begins (so that transaction sees it)."""
    service.ensure_sample(database(request))


router = Router(prefix="/v1", tags=["companies"], dependencies=[Depends(sample_loaded)])
Companies = many(answer_model(Company))


def _text(query: dict[str, Any], name: str) -> str | None:
    value = query.get(name)
    if value is None or isinstance(value, str):
        return value
    raise BadRequest(f"`{name}` must be a single text value")


_SEARCH_WHERE = ("country", "countryAlpha2Code")


def _where_country(where: dict[str, Any]) -> str | None:
    unknown = sorted(set(where) - set(_SEARCH_WHERE))
    if unknown:
        raise BadRequest(
            f"Invalid filter: search takes only `country` in `where`, not `{unknown[0]}`"
        )
    value = where.get("country", where.get("countryAlpha2Code"))
    if value is not None and not isinstance(value, str):
        raise BadRequest("Invalid filter: `where.country` must be a country code or name")
    return value


def _limit(query: dict[str, Any], flt: Filter) -> int | None:
    if query.get("limit") is None:
        return flt.limit
    return parse_filter({"filter": {"limit": query["limit"]}}).limit


def _search_answer(session: Db, query: dict[str, Any], term: str) -> ApiResponse:
    """`term`, limited to `country` (or `filter[where][country]`): an alpha-2 code or a name;
    `limit` (or `filter[limit]`), default 20, at most 100."""
    flt = parse_filter(query)
    country = service.country_code(_text(query, "country") or _where_country(flt.where))
    limit = service.search_limit(_limit(query, flt))
    rows = service.search(session, term, country, limit)
    return ApiResponse([project(service.answer(row), flt.fields) for row in rows])


def _list_answer(session: Db, query: dict[str, Any]) -> ApiResponse:
    flt = parse_filter(query)
    rows = service.list_companies(session, flt)
    return ApiResponse([project(service.answer(row), flt.fields) for row in rows])


@router.get("/companies", response_model=Companies)
def list_companies(session: Db, caller: CallerDep, query: dict[str, Any] = Query) -> Any:
    return _list_answer(session, query)


@router.get("/companies/search", response_model=Companies)
def search_companies(session: Db, caller: CallerDep, query: dict[str, Any] = Query) -> Any:
    term = _text(query, "term")
    if term is None:
        raise invalid("term", "is required")
    return _search_answer(session, query, term)


@router.get("/organizations/{organization_id}/companys", response_model=Companies)
def organization_companies(
    session: Db, caller: CallerDep, organization_id: str, query: dict[str, Any] = Query
) -> Any:
    # The reference's spelling; the same directory whatever the organization.
    term = _text(query, "term")
    return _list_answer(session, query) if term is None else _search_answer(session, query, term)
