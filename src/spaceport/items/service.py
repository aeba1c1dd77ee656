"""Items (reference "Items"; COMPAT §7.3): SKU rules, taxes by id, rate or classification,
net and gross prices, `include=taxes`, and search."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import Any

from sqlalchemy.orm import Session

from spaceport.items.errors import SkuTaken, SkuWithSpaces
from spaceport.items.models import Item
from spaceport.items.repository import ItemRepository
from spaceport.items.schemas import ItemCreate, ItemTaxRef, ItemUpdate
from spaceport.kit import bounds
from spaceport.kit.answers import many
from spaceport.kit.errors import invalid
from spaceport.kit.filters import Filter
from spaceport.kit.money import cut, round_to
from spaceport.kit.repository import repository_of
from spaceport.organizations import calendar
from spaceport.organizations.models import Organization
from spaceport.resources import Resource, Values
from spaceport.taxes import service as taxes
from spaceport.taxes.arithmetic import LineTax, cut_rates, gross_factor
from spaceport.taxes.models import Tax

ZERO = Decimal(0)
HUNDRED = Decimal(100)
PRICE_PLACES = 4  # COMPAT §6.8 step 1: prices count with `decimalPlaces` (default 4)


def organization_today(session: Session, organization_id: str) -> date:
    """Today in the organization's time zone (as documents date themselves, COMPAT §6.3)."""
    return calendar.today(repository_of(Organization)(session).get(organization_id))


# --- SKU ----------------------------------------------------------------------------------------


def checked_sku(
    session: Session, organization_id: str, sku: str | None, item: Item | None
) -> str | None:
    """COMPAT §7.3: no spaces, unique among the organization's items; empty means none."""
    if not sku:
        return None
    if any(char.isspace() for char in sku):
        raise SkuWithSpaces()
    if ItemRepository(session).sku_taken(organization_id, sku, item):
        raise SkuTaken(sku)
    return sku


# --- taxes --------------------------------------------------------------------------------------


def checked_tax_ids(session: Session, organization_id: str, ids: Sequence[str]) -> list[str]:
    """`taxIds` must name taxes of the item's own organization."""
    wanted = list(dict.fromkeys(ids))
    found = taxes.taxes_by_id(session, organization_id, wanted)
    unknown = [tax_id for tax_id in wanted if tax_id not in found]
    if unknown:
        raise invalid("taxIds", f"unknown tax id {unknown[0]!r}")
    return wanted


def describe(ref: ItemTaxRef) -> str:
    given = {"taxId": ref.tax_id, "rate": ref.rate, "classification": ref.classification}
    return ", ".join(f"{key} {value}" for key, value in given.items() if value is not None)


def matched_tax(book: Sequence[Tax], ref: ItemTaxRef, on: date) -> Tax | None:
    """COMPAT §7.3, COMPAT §6.7: by id, else by rate in force on `on`, else by classification."""
    if ref.tax_id:
        return next((tax for tax in book if tax.id == ref.tax_id), None)
    return taxes.match_in(book, rate=ref.rate, classification=ref.classification, on=on)


def resolved_item_taxes(
    session: Session, organization_id: str, refs: Sequence[ItemTaxRef], on: date
) -> list[str]:
    if not refs:
        return []
    book = taxes.taxes_of(session, organization_id)  # one query for every entry
    ids: list[str] = []
    for index, ref in enumerate(refs):
        tax = matched_tax(book, ref, on)
        if tax is None:
            what = describe(ref) or "an entry needs taxId, rate or classification"
            raise invalid(f"_itemTaxes.{index}", f"matches no tax of the organization ({what})")
        ids.append(tax.id)
    return ids


def new_tax_ids(
    session: Session, organization_id: str, values: Values, on: date
) -> list[str] | None:
    """The item's `taxIds` after this change: the union of `taxIds` and the taxes `_itemTaxes`
    resolves to; None when neither is given (the item keeps its taxes)."""
    given = "tax_ids" in values or values.get("item_taxes") is not None
    ids = values.pop("tax_ids", None) or []
    refs = values.pop("item_taxes", None) or []
    if not given:
        return None
    ids = checked_tax_ids(session, organization_id, ids)
    return list(dict.fromkeys(ids + resolved_item_taxes(session, organization_id, refs, on)))


# --- prices -------------------------------------------------------------------------------------


def price_factor(item_taxes: Iterable[Tax], on: date) -> Decimal:
    """The gross factor of the item's taxes, with the rates in force on `on` (COMPAT §6.8
    step 2, the same rule as a document line's)."""
    line_taxes = [
        LineTax(taxes.rate_in_force(tax, on) or ZERO, tax.id, tax.compound, tax.reverse_charged)
        for tax in item_taxes
    ]
    return gross_factor(cut_rates(line_taxes))


def derived(value: Decimal, prop: str) -> Decimal:
    """A derived price, rounded half-up to 4 decimals; one too big to store is a 422."""
    if not bounds.amount_in_range(value):
        raise invalid(prop, "is too large with the item's taxes")
    return round_to(value, PRICE_PLACES)


def both_prices(net: Decimal | None, gross: Decimal | None, factor: Decimal) -> Values:
    """priceGross takes precedence; the other one is derived (COMPAT §6.8 step 2)."""
    if gross is not None:
        gross = cut(gross, PRICE_PLACES)
        return {"price": derived(gross / factor, "price"), "price_gross": gross}
    assert net is not None
    net = cut(net, PRICE_PLACES)
    return {"price": net, "price_gross": derived(net * factor, "priceGross")}


def price_values(
    session: Session, organization_id: str, values: Values, item: Item | None, on: date
) -> Values:
    """`price` and `priceGross` to store. When only the taxes change, the net price stays and
    the gross one follows; null for either clears both."""
    net, gross = values.get("price"), values.get("price_gross")
    if net is None and gross is None:
        if "price" in values or "price_gross" in values:
            return {"price": None, "price_gross": None}
        if item is None or item.price is None or "tax_ids" not in values:
            return {}
        net = item.price
    tax_ids = values.get("tax_ids", item.tax_ids if item else [])
    item_taxes = taxes.taxes_by_id(session, organization_id, tax_ids).values()
    return both_prices(net, gross, price_factor(item_taxes, on))


# --- the resource -------------------------------------------------------------------------------


def prepare(session: Session, organization_id: str, values: Values, item: Item | None) -> Values:
    if "sku" in values:
        values["sku"] = checked_sku(session, organization_id, values["sku"], item)
    on = organization_today(session, organization_id)
    tax_ids = new_tax_ids(session, organization_id, values, on)
    if tax_ids is not None:
        values["tax_ids"] = tax_ids
    values.update(price_values(session, organization_id, values, item, on))
    if "custom" in values and values["custom"] is None:
        del values["custom"]
    return values


def include_taxes(session: Session, rows: list[Item]) -> Mapping[str, Any]:
    """`include=taxes` (COMPAT §4.3): each item's taxes as the API answers them."""
    found: dict[str, Tax] = {}
    for organization_id in {row.organization_id for row in rows}:
        of_organization = [row for row in rows if row.organization_id == organization_id]
        ids = chain.from_iterable(row.tax_ids for row in of_organization)
        found.update(taxes.taxes_by_id(session, organization_id, ids))
    return {
        row.id: [taxes.taxes.serialize(found[t]) for t in row.tax_ids if t in found] for row in rows
    }


items = Resource(
    Item,
    "item",
    "items",
    ItemCreate,
    ItemUpdate,
    prepare=prepare,
    includes={"taxes": include_taxes},
    repository=ItemRepository,
    answered={"taxes": many(taxes.taxes.answer_type)},
)


# --- search -------------------------------------------------------------------------------------


def search(session: Session, organization_id: str, term: str, flt: Filter) -> list[Item]:
    """`search-items?term=` (COMPAT §1.11): see `ItemRepository.search`."""
    return ItemRepository(session).search(organization_id, term, flt)
