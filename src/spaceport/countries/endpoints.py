"""Public lookups: GET /v1/countries, /v1/organizations/:id/countrys (reference "List all
Countries", same list) and /v1/currencies (reference "List all Currencies"). The bodies are
serialized once per day by the catalog and sent as they are; a `filter` (where, order, limit,
skip, fields) narrows them in memory as the database lists are narrowed (COMPAT §4.6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from fastapi import Response
from pydantic import BaseModel

from spaceport.countries import catalog, currencies
from spaceport.kit.crud import relations_asked
from spaceport.kit.filters import memory, parse_filter
from spaceport.kit.json import ApiResponse
from spaceport.kit.routing import Router
from spaceport.kit.wire import Query

router = Router(tags=["countries"])


def prerendered(body: bytes) -> Response:
    return Response(body, media_type=ApiResponse.media_type)


def answered(
    query: dict[str, Any],
    body: Callable[[], bytes],
    rows: Callable[[], list[dict[str, Any]]],
    model: type[BaseModel],
) -> Response:
    """COMPAT §4.6: the list as it is without a filter; with one, narrowed in memory by the
    one filter parser (a malformed filter is its 400)."""
    if query.get("filter") is None and query.get("where") is None:
        return prerendered(body())
    flt = parse_filter(query)
    relations_asked(flt.include, (), model.__name__)  # COMPAT §4.3: they have no relations
    return ApiResponse(memory.listed(rows(), flt, model.model_fields))


class CountryTax(BaseModel):
    name: str
    abbreviation: str
    rate: str
    classification: str


class Country(BaseModel):
    """Reference "The Country object" (`countries.catalog`)."""

    name: str
    alpha2Code: str
    alpha3Code: str
    nativeName: str
    numericCode: str
    translations: dict[str, str]
    taxes: list[CountryTax]
    currency: str | None


class Currency(BaseModel):
    """Reference "The Currency object" (`countries.currencies`)."""

    id: str
    isoName: str
    name: str
    symbol: str
    type: Literal["fiat", "crypto"]


@router.get("/v1/countries", response_model=list[Country])
def list_countries(query: dict[str, Any] = Query) -> Response:
    return answered(query, catalog.countries_json, catalog.all_countries, Country)


@router.get("/v1/organizations/{organization_id}/countrys", response_model=list[Country])
def list_organization_countries(organization_id: str, query: dict[str, Any] = Query) -> Response:
    # The reference's spelling; the same list whatever the organization.
    return answered(query, catalog.countries_json, catalog.all_countries, Country)


@router.get("/v1/currencies", response_model=list[Currency])
def list_currencies(query: dict[str, Any] = Query) -> Response:
    return answered(query, currencies.currencies_json, currencies.all_currencies, Currency)
