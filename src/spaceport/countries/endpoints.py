"""Public lookups: GET /v1/countries, /v1/organizations/:id/countrys (reference "List all
Countries", same list) and /v1/currencies (reference "List all Currencies"). The bodies are
serialized once per day by the catalog and sent as they are."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel

from spaceport.countries import catalog, currencies
from spaceport.kit.json import ApiResponse

router = APIRouter(tags=["countries"])


def prerendered(body: bytes) -> Response:
    return Response(body, media_type=ApiResponse.media_type)


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
def list_countries() -> Response:
    return prerendered(catalog.countries_json())


@router.get("/v1/organizations/{organization_id}/countrys", response_model=list[Country])
def list_organization_countries(organization_id: str) -> Response:
    # The reference's spelling; the same list whatever the organization.
    return prerendered(catalog.countries_json())


@router.get("/v1/currencies", response_model=list[Currency])
def list_currencies() -> Response:
    return prerendered(currencies.currencies_json())
