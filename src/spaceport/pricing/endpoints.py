"""Price lists and prices (COMPAT §7.6, §1.10, §5, §8.1).

`/v1/organizations/:id/priceLists` (+ `/count`) and `/v1/priceLists/:id` come from `Resource`;
a price belongs to a list, so it is created, listed and counted under it,
`/v1/priceLists/:id/prices`, and reached by id at `/v1/prices/:id`. Paths are declared in
lower case: the wire middleware lowercases the fixed words of a path (COMPAT §1.1)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from spaceport.access.authorization import Scope, organization_scope
from spaceport.kit import listing
from spaceport.kit.json import ApiResponse
from spaceport.kit.transaction import Db
from spaceport.kit.wire import Query, body_of
from spaceport.pricing import service
from spaceport.pricing.models import PriceList
from spaceport.pricing.schemas import PriceCreate
from spaceport.pricing.service import price_lists, prices


def without_organization_create(router: APIRouter) -> APIRouter:
    """Prices are created in a list only: drop the organization-level POST `Resource` makes."""
    router.routes[:] = [r for r in router.routes if getattr(r, "name", "") != "create_price"]
    return router


# One router: the app reads each router's own routes (fixed path words, OpenAPI bodies).
router = price_lists.router()
router.routes.extend(without_organization_create(prices.router()).routes)
in_price_list = organization_scope(via=PriceList)


@router.post("/pricelists/{id}/prices", name="create_price")
def create_price(
    session: Db, scope: Scope = in_price_list, data: Any = body_of(PriceCreate)
) -> Any:
    price_list = price_lists.live(scope.instance)
    price = service.create_price(session, price_list, data.given_with_defaults())
    return ApiResponse(prices.serialize(price))


@router.get("/pricelists/{id}/prices", name="list_price_list_prices")
def list_prices(session: Db, scope: Scope = in_price_list, query: dict[str, Any] = Query) -> Any:
    flt = listing.parse_filter(query)
    rows = service.prices_in(session, price_lists.live(scope.instance), flt)
    return ApiResponse(prices.answer_many(session, rows, flt))


@router.get("/pricelists/{id}/prices/count", name="count_price_list_prices")
def count_prices(session: Db, scope: Scope = in_price_list, query: dict[str, Any] = Query) -> Any:
    count = service.count_in(session, price_lists.live(scope.instance), query)
    return ApiResponse({"count": count})
