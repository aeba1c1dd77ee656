"""Public lookups: GET /v1/countries, /v1/organizations/:id/countrys (reference "List all
Countries", same list) and /v1/currencies (reference "List all Currencies"). The bodies are
serialized once per day by the catalog and sent as they are."""

from __future__ import annotations

from fastapi import APIRouter, Response

from spaceport.countries import catalog, currencies
from spaceport.kit.json import ApiResponse

router = APIRouter(tags=["countries"])


def prerendered(body: bytes) -> Response:
    return Response(body, media_type=ApiResponse.media_type)


@router.get("/v1/countries")
def list_countries() -> Response:
    return prerendered(catalog.countries_json())


@router.get("/v1/organizations/{organization_id}/countrys")
def list_organization_countries(organization_id: str) -> Response:
    # The reference's spelling; the same list whatever the organization.
    return prerendered(catalog.countries_json())


@router.get("/v1/currencies")
def list_currencies() -> Response:
    return prerendered(currencies.currencies_json())
