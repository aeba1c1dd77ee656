"""Request bodies in the OpenAPI document. Bodies are read by `wire.body_of` (JSON, form and
multipart with qs rules), which FastAPI cannot see; this declares their schemas for the docs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from pydantic import BaseModel

CONTENT_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


def body_model(route: APIRoute) -> type[BaseModel] | None:
    for dependency in route.dependant.dependencies:
        model = getattr(dependency.call, "__spaceport_body__", None)
        if model is not None:
            return model  # type: ignore[no-any-return]
    return None


def document_bodies(routers: Iterable[APIRouter]) -> None:
    for route in (route for router in routers for route in router.routes):
        if not isinstance(route, APIRoute):
            continue
        model = body_model(route)
        if model is None:
            continue
        schema: dict[str, Any] = model.model_json_schema(by_alias=True, mode="validation")
        schema.pop("$defs", None)
        content = {kind: {"schema": schema} for kind in CONTENT_TYPES}
        route.openapi_extra = {"requestBody": {"required": True, "content": content}}
