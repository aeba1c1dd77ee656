"""Price lists and prices (COMPAT §7.6, COMPAT §1.10, COMPAT §5.1, COMPAT §8.1).

`/v1/organizations/:id/priceLists` (+ `/count`) and `/v1/priceLists/:id` come from `Resource`;
a price belongs to a list, so it is created, listed and counted under it,
`/v1/priceLists/:id/prices`, and reached by id at `/v1/prices/:id`. Paths are declared in
lower case: the wire middleware lowercases the fixed words of a path (COMPAT §1.1)."""

from __future__ import annotations

from spaceport.pricing.models import PriceList
from spaceport.pricing.service import price_lists, prices

# One router: the app reads each router's own routes (fixed path words, OpenAPI bodies).
# Prices are created in a list only; listed and counted in the organization and in a list.
router = price_lists.router()
router.routes.extend(prices.router(only=("find", "count", "get", "update", "delete")).routes)
router.routes.extend(
    prices.children(
        PriceList, parent_collection="pricelists", key="price_list_id", paths=("prices",)
    ).routes
)
