"""What goes into a document: its client (COMPAT §6.4), its issuer (COMPAT §6.5), its lines
with saved items and price lists (COMPAT §6.6) and their taxes (COMPAT §6.7), and the totals
(COMPAT §6.8)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceport.clients import service as clients
from spaceport.clients.models import Client
from spaceport.documents.calculation import (
    DocumentTotals,
    Line,
    LineTax,
    LineTotals,
    TaxRounding,
    calculate,
)
from spaceport.documents.errors import ClientNameRequired, NameRequired, TaxRateRequired
from spaceport.documents.lines import ZERO, DocumentLine, DocumentLineTax
from spaceport.documents.schemas import DocumentItemIn, ItemTaxIn, PartyIn
from spaceport.items import service as items
from spaceport.items.models import Item
from spaceport.kit.errors import UnknownReference
from spaceport.kit.ids import new_uuid
from spaceport.kit.serialize import to_api
from spaceport.organizations.models import Organization
from spaceport.pricing import service as pricing
from spaceport.taxes import service as taxes
from spaceport.taxes.models import Tax
from spaceport.units.models import Unit

PARTY_KEYS = (
    "name", "address", "address2", "city", "zip", "state", "country", "taxNumber", "taxSubject",
    "companyNumber", "IBAN", "bank", "SWIFT", "website", "email", "phone", "custom",
)  # fmt: skip
CLIENT_KEYS = (*PARTY_KEYS, "contact", "isEndCustomer")
ISSUER_KEYS = (*PARTY_KEYS, "countryAlpha2Code")
ITEM_LOADED = ("name", "description", "unit", "price", "priceGross")


def snapshot(source: dict[str, Any], keys: Sequence[str], given: dict[str, Any]) -> dict[str, Any]:
    """An embedded copy: the source's keys, then the caller's, and a UUID of its own
    (COMPAT §1.7)."""
    copied = {key: source[key] for key in keys if key in source}
    return {"id": new_uuid(), **copied, **given}


# -- client (COMPAT §6.4) --------------------------------------------------------------------


def resolve_client(
    session: Session, organization_id: str, client_id: str | None, given: PartyIn | None
) -> tuple[str, dict[str, Any]]:
    """`clientId` fills the snapshot from the saved client; else a matching email links one;
    else the given client is saved as a new client."""
    keys = given.given_api() if given else {}
    client = _saved_client(session, organization_id, client_id, keys.get("email"))
    if client is None:
        if not keys.get("name"):
            raise ClientNameRequired()
        client = clients.clients.create(session, organization_id, _client_values(keys))
    return client.id, snapshot(to_api(client), CLIENT_KEYS, keys)


def _saved_client(
    session: Session, organization_id: str, client_id: str | None, email: str | None
) -> Client | None:
    if client_id:
        client = clients.find(session, organization_id, client_id)
        if client is None:
            raise UnknownReference("clientId", "client", client_id)
        return client
    return clients.find_by_email(session, organization_id, email) if email else None


def _client_values(keys: dict[str, Any]) -> dict[str, Any]:
    schema = clients.clients.create_schema.model_validate(keys)
    return schema.given_with_defaults()


# -- issuer (COMPAT §6.5) --------------------------------------------------------------------


def issuer_snapshot(
    session: Session, organization: Organization, unit_id: str | None, given: PartyIn | None
) -> dict[str, Any]:
    """The organization, or its unit, as it is now; later edits don't change the document."""
    source: dict[str, Any] = to_api(organization)
    if unit_id:
        unit = session.get(Unit, unit_id)
        if unit is None or unit.organization_id != organization.id or unit.is_deleted:
            raise UnknownReference("unitId", "unit", unit_id)
        source = to_api(unit)
    return snapshot(source, ISSUER_KEYS, given.given_api() if given else {})


# -- lines (COMPAT §6.6, COMPAT §6.7) -------------------------------------------------------------


class LineContext:
    """What every line of one document is resolved against, loaded once."""

    def __init__(
        self, session: Session, organization_id: str, client_id: str | None, on: date, load: bool
    ) -> None:
        self.session = session
        self.organization_id = organization_id
        self.client_id = client_id
        self.on = on
        self.load = load
        self.taxes: list[Tax] = taxes.taxes_of(session, organization_id)
        self.taxes_by_id = {tax.id: tax for tax in self.taxes}


def build_line(context: LineContext, given: DocumentItemIn) -> DocumentLine:
    """One `_documentItems` entry before its totals: loaded, saved, its taxes resolved."""
    keys = given.model_dump(exclude_unset=True, by_alias=True, exclude={"load", "save"})
    if given.is_separator:
        return _separator(keys)
    item = _saved_item(context, given)
    line: dict[str, Any] = {
        "quantity": Decimal(1),
        "discount": Decimal(0),
        "discountIsAmount": False,
    }
    tax_refs = given.document_item_taxes
    if item is not None and (given.load or context.load):
        line.update(_loaded(context, item))
        if "_documentItemTaxes" not in keys:
            tax_refs = [ItemTaxIn(taxId=tax_id) for tax_id in item.tax_ids]
    if keys.keys() & {"price", "priceGross"}:
        line.pop("price", None)  # the caller's price wins over the loaded one, gross or net
        line.pop("priceGross", None)
    line.update({k: v for k, v in keys.items() if k != "_documentItemTaxes"})
    if not line.get("name"):
        raise NameRequired()
    if given.save and not given.item_id:
        line["itemId"] = _save_item(context, line, tax_refs).id
    elif item is not None:
        line["itemId"] = item.id
    line["_documentItemTaxes"] = [resolve_tax(context, ref) for ref in tax_refs]
    # COMPAT §6.6: `itemId` is always present, null when the line is not linked
    return DocumentLine.model_validate(
        {"id": new_uuid(), "itemId": None, "isSeparator": False, "custom": {}, **line}
    )


def _separator(keys: dict[str, Any]) -> DocumentLine:
    """COMPAT §6.6: a separator keeps only its name and description."""
    kept: dict[str, Any] = {k: keys[k] for k in ("name", "description") if k in keys}
    return DocumentLine.model_validate({"id": new_uuid(), **kept, "isSeparator": True})


def _saved_item(context: LineContext, given: DocumentItemIn) -> Item | None:
    session, organization_id = context.session, context.organization_id
    if given.item_id:
        item = session.get(Item, given.item_id)
        if item is None or item.organization_id != organization_id or item.is_deleted:
            raise UnknownReference("_documentItems.itemId", "item", given.item_id)
        return item
    if given.sku and (given.load or context.load):
        return session.scalars(
            select(Item).where(
                Item.organization_id == organization_id,
                Item.sku == given.sku,
                Item.is_deleted.is_(False),
            )
        ).first()
    return None


def _loaded(context: LineContext, item: Item) -> dict[str, Any]:
    """The saved item's values, priced by the client's active sale price list if it has one.
    The item keeps both prices; its net price is loaded (the gross one follows from it)."""
    saved = to_api(item)
    loaded = {key: saved[key] for key in ITEM_LOADED if saved.get(key) is not None}
    if item.sku:
        loaded["SKU"] = item.sku
    price = pricing.active_sale_price(
        context.session, context.organization_id, context.client_id, item.id, _midday(context.on)
    )
    source = to_api(price) if price is not None else saved
    loaded.pop("priceGross", None)
    loaded.pop("price", None)
    if source.get("price") is not None:
        loaded["price"] = source["price"]
    elif source.get("priceGross") is not None:
        loaded["priceGross"] = source["priceGross"]
    return loaded


def _midday(on: date) -> datetime:
    return datetime.combine(on, time(12), UTC)


def _save_item(context: LineContext, line: dict[str, Any], refs: list[ItemTaxIn]) -> Item:
    values = {
        "name": line["name"],
        "description": line.get("description"),
        "unit": line.get("unit"),
        "price": line.get("price"),
        "priceGross": line.get("priceGross"),
        "SKU": line.get("SKU"),
        "_itemTaxes": [ref.model_dump(exclude_unset=True, by_alias=True) for ref in refs],
    }
    schema = items.items.create_schema.model_validate(values)
    return items.items.create(
        context.session, context.organization_id, schema.given_with_defaults()
    )


def resolve_tax(context: LineContext, ref: ItemTaxIn) -> DocumentLineTax:
    """COMPAT §6.7: by taxId, else by rate, else by classification; the rate in force on the
    document's date. No match keeps the given values with taxId null."""
    given = ref.model_dump(exclude_unset=True, by_alias=True)
    tax = context.taxes_by_id.get(ref.tax_id) if ref.tax_id else None
    if ref.tax_id and tax is None:
        raise UnknownReference("_documentItemTaxes.taxId", "tax", ref.tax_id)
    if tax is None:
        tax = taxes.match_in(
            context.taxes, rate=ref.rate, classification=ref.classification, on=context.on
        )
    resolved: dict[str, Any] = {"id": new_uuid(), "taxId": None}
    if tax is not None:
        resolved.update(
            taxId=tax.id,
            name=tax.name,
            abbreviation=tax.abbreviation,
            classification=tax.classification,
            rate=taxes.rate_in_force(tax, context.on),
            recoverable=tax.recoverable,
            compound=tax.compound,
            reverseCharged=tax.reverse_charged,
        )
    resolved.update({k: v for k, v in given.items() if k != "taxId" or v})
    if resolved.get("rate") is None:
        raise TaxRateRequired()
    resolved.setdefault("compound", False)
    resolved.setdefault("reverseCharged", False)
    resolved.setdefault("recoverable", True)
    return DocumentLineTax.model_validate(resolved)


# -- totals (COMPAT §6.8) --------------------------------------------------------------------


def as_calculation_line(line: DocumentLine) -> Line:
    return Line(
        quantity=line.quantity,
        price=line.price,
        price_gross=line.price_gross,
        discount=line.discount or ZERO,
        discount_is_amount=bool(line.discount_is_amount),
        taxes=[
            LineTax(
                rate=tax.rate,
                tax_id=tax.tax_id,
                compound=bool(tax.compound),
                reverse_charged=bool(tax.reverse_charged),
            )
            for tax in line.taxes
        ],
    )


def apply_totals(lines: list[DocumentLine], places: int, mode: TaxRounding) -> DocumentTotals:
    """Fill every line's totals and answer the document's (separators have none)."""
    priced = [line for line in lines if not line.is_separator]
    totals = calculate([as_calculation_line(line) for line in priced], places, mode)
    for line, line_totals in zip(priced, totals.lines, strict=True):
        _fill_line(line, line_totals)
    return totals


def _fill_line(line: DocumentLine, totals: LineTotals) -> None:
    line.price = totals.price
    line.total = totals.total
    line.total_discount = totals.total_discount
    line.total_tax = totals.total_tax
    line.total_with_tax = totals.total_with_tax
    for tax, amount in zip(line.taxes, totals.taxes, strict=True):
        tax.rate = amount.tax.rate
