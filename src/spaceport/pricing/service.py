"""Price lists and prices (COMPAT §7.6): CRUD through `Resource`, prices nested under their
list, and the one answer to "what does this client pay for this item on that day"."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from spaceport.countries.currencies import all_currencies
from spaceport.defaults import service as defaults
from spaceport.items.models import Item
from spaceport.kit.answers import answer_model, many
from spaceport.kit.errors import ValidationFailed, invalid
from spaceport.kit.ids import is_id
from spaceport.kit.repository import repository_of
from spaceport.kit.serialize import to_api
from spaceport.pricing.errors import PriceListHasItem
from spaceport.pricing.models import Price, PriceList
from spaceport.pricing.repository import PriceRepository
from spaceport.pricing.schemas import (
    PriceCreate,
    PriceListCreate,
    PriceListUpdate,
    PriceUpdate,
)
from spaceport.resources import Resource, Values

FALLBACK_CURRENCY: Final = "EUR"


def current(values: Values, instance: Any, name: str) -> Any:
    """The value a property will have: the given one, else the instance's."""
    return values[name] if name in values else getattr(instance, name, None)


# -- price lists ----------------------------------------------------------------------------
def check_window(values: Values, price_list: Any) -> None:
    start, end = (
        current(values, price_list, "active_from"),
        current(values, price_list, "active_to"),
    )
    if start is not None and end is not None and end < start:
        raise invalid("activeTo", "must not be before activeFrom")


def prepare_price_list(
    session: Session, organization_id: str, values: Values, price_list: Any
) -> Values:
    check_window(values, price_list)
    return values


def prices_of(session: Session, price_lists: list[Any]) -> Mapping[str, Any]:
    """`filter[include]=prices` on price lists: each list's live prices."""
    rows = PriceRepository(session).in_lists([p.id for p in price_lists])
    grouped: dict[str, list[dict[str, Any]]] = {p.id: [] for p in price_lists}
    for row in rows:
        grouped[row.price_list_id].append(to_api(row))
    return grouped


price_lists = Resource(
    PriceList,
    "pricelist",
    "pricelists",
    PriceListCreate,
    PriceListUpdate,
    prepare=prepare_price_list,
    includes={"prices": prices_of},
    answered={"prices": many(answer_model(Price))},
)


# -- prices ---------------------------------------------------------------------------------
def check_item(session: Session, organization_id: str, item_id: str) -> None:
    if not is_id(item_id):
        raise invalid("itemId", f"{item_id!r} is not an item id")
    if repository_of(Item)(session).get_in(organization_id, item_id) is None:
        raise invalid("itemId", f"{item_id!r} is not an item of this organization")


def check_unique_item(session: Session, price_list_id: str, item_id: str, price: Any) -> None:
    """One live price per item in a list, so a list answers one price for an item."""
    if PriceRepository(session).item_priced(price_list_id, item_id, price):
        raise PriceListHasItem()


def currency_code(session: Session, organization_id: str, given: str | None) -> str:
    """The given currency, known to the catalog; by default the organization's Default
    `currencyId` (as for documents, COMPAT §6.12)."""
    if not given:
        return str(defaults.value_of(session, organization_id, "currencyId", FALLBACK_CURRENCY))
    code = given.strip().upper()
    if code not in {currency["id"] for currency in all_currencies()}:
        raise invalid("currencyId", f"{given!r} is not a known currency code")
    return code


def check_amounts(values: Values, price: Any) -> None:
    if current(values, price, "price") is None and current(values, price, "price_gross") is None:
        raise ValidationFailed({"price": ["price or priceGross is required"]})


def prepare_price(session: Session, organization_id: str, values: Values, price: Any) -> Values:
    item_id = values.get("item_id")
    if item_id is not None and (price is None or item_id != price.item_id):
        check_item(session, organization_id, item_id)
        check_unique_item(session, current(values, price, "price_list_id"), item_id, price)
    if price is None or "currency_id" in values:
        values["currency_id"] = currency_code(session, organization_id, values.get("currency_id"))
    check_amounts(values, price)
    return values


prices = Resource(
    Price,
    "price",
    "prices",
    PriceCreate,
    PriceUpdate,
    prepare=prepare_price,
    repository=PriceRepository,
)


# -- the price a document line takes (COMPAT §7.6) ------------------------------------------
def active_sale_price(
    session: Session, organization_id: str, client_id: str | None, item_id: str, on: datetime
) -> Price | None:
    """The item's price in a sale price list linked to the client that is active on `on`:
    `active` and `on` within [activeFrom, activeTo] (either end may be open). When several
    lists qualify, the newest list wins. None when no list of the client prices the item."""
    if not client_id:
        return None
    on = on if on.tzinfo else on.replace(tzinfo=UTC)
    return PriceRepository(session).active_sale_price(organization_id, client_id, item_id, on)
