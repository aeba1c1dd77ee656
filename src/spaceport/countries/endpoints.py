"""Public lookups: GET /v1/countries, /v1/organizations/:id/countrys (reference "List all
Countries", same list) and /v1/currencies (reference "List all Currencies"). The bodies are
serialized once per day by the catalog and sent as they are."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from spaceport.countries import catalog
from spaceport.kit.json import ApiResponse

router = APIRouter(tags=["countries"])


class PrerenderedResponse(ApiResponse):
    """An ApiResponse whose JSON body was serialized (and cached) beforehand."""

    def render(self, content: Any) -> bytes:
        if isinstance(content, bytes):
            return content
        return super().render(content)


@router.get("/v1/countries", response_class=ApiResponse)
def list_countries() -> PrerenderedResponse:
    return PrerenderedResponse(catalog.countries_json())


@router.get("/v1/organizations/{organization_id}/countrys", response_class=ApiResponse)
def list_organization_countries(organization_id: str) -> PrerenderedResponse:
    # The reference's spelling; the same list whatever the organization.
    return PrerenderedResponse(catalog.countries_json())


@router.get("/v1/currencies", response_class=ApiResponse)
def list_currencies() -> PrerenderedResponse:
    return PrerenderedResponse(catalog.currencies_json())
