"""What goes into a document: its client (COMPAT §6.4), its issuer (COMPAT §6.5), its lines
with saved items and price lists (COMPAT §6.6) and their taxes (COMPAT §6.7), and the totals
(COMPAT §6.8)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

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
from spaceport.items.repository import ItemRepository
from spaceport.kit.db import with_defaults
from spaceport.kit.errors import UnknownReference
from spaceport.kit.ids import new_uuid
from spaceport.kit.serialize import to_api
from spaceport.organizations.models import Organization
from spaceport.pricing import service as pricing
from spaceport.pricing.models import Price
from spaceport.taxes import service as taxes
from spaceport.taxes.models import Tax
from spaceport.units import service as units

PARTY_KEYS = (
    "name", "address", "address2", "city", "zip", "state", "country", "taxNumber", "taxSubject",
    "companyNumber", "IBAN", "bank", "SWIFT", "website", "email", "phone", "custom",
)  # fmt: skip
CLIENT_KEYS = (*PARTY_KEYS, "contact", "isEndCustomer")
ISSUER_KEYS = (*PARTY_KEYS, "countryAlpha2Code")


def snapshot(source: dict[str, Any], keys: Sequence[str], given: dict[str, Any]) -> dict[str, Any]:
    """An embedded copy: the source's keys, then the caller's, and a UUID of its own
    (COMPAT §1.7)."""
    copied = {key: source[key] for key in keys if key in source}
    return {"id": new_uuid(), **copied, **given}


# -- client (COMPAT §6.4) --------------------------------------------------------------------


def resolve_client(
    session: Session,
    organization_id: str,
    client_id: str | None,
    given: PartyIn | None,
    unsaved: list[dict[str, Any]] | None = None,
) -> tuple[str | None, dict[str, Any]]:
    """`clientId` fills the snapshot from the saved client; else a matching email links one;
    else the given client is saved as a new client. With `unsaved`, a new client is not saved
    but its values are put there, for the write to save (`documents.service.store`); its id is
    then None."""
    keys = given.given_api() if given else {}
    client = _saved_client(session, organization_id, client_id, keys.get("email"))
    if client is None:
        if not keys.get("name"):
            raise ClientNameRequired()
        values = _client_values(keys)
        if unsaved is not None:
            new = with_defaults(clients.clients.unsaved(session, organization_id, values))
            unsaved.append(values)
            return None, snapshot(to_api(new), CLIENT_KEYS, keys)
        client = clients.clients.create(session, organization_id, values)
    return client.id, snapshot(to_api(client), CLIENT_KEYS, keys)


def _saved_client(
    session: Session, organization_id: str, client_id: str | None, email: str | None
) -> Client | None:
    if client_id is not None:  # "" is an id naming nothing (issue 15), not "no client"
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
    if unit_id is not None:
        unit = units.find(session, organization.id, unit_id)
        if unit is None:
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


@dataclass(frozen=True)
class Loaded:
    """What a line takes from its saved item (COMPAT §6.6): the values the item has, and one
    price, net or gross, from the client's active sale price list when it has one."""

    name: str | None = None
    description: str | None = None
    unit: str | None = None
    sku: str | None = None
    price: Decimal | None = None
    price_gross: Decimal | None = None


def build_line(context: LineContext, given: DocumentItemIn) -> DocumentLine:
    """One `_documentItems` entry before its totals: loaded, saved, its taxes resolved. What
    the caller gives wins over what is loaded; only the keys given, loaded or defaulted here
    are stored."""
    if given.is_separator:
        return _separator(given)
    set_ = given.model_fields_set
    item = _saved_item(context, given)
    loaded = _loaded(context, item) if item is not None and (given.load or context.load) else None
    tax_refs = given.document_item_taxes
    if item is not None and loaded is not None and "document_item_taxes" not in set_:
        tax_refs = [ItemTaxIn(taxId=tax_id) for tax_id in item.tax_ids]
    # COMPAT §6.6: `itemId` is always present, null when the line is not linked
    line = DocumentLine(
        id=new_uuid(),
        item_id=given.item_id if "item_id" in set_ else None,
        is_separator=given.is_separator if "is_separator" in set_ else False,
        custom=given.custom if "custom" in set_ else {},
        quantity=given.quantity,
        discount=given.discount if "discount" in set_ else ZERO,
        discount_is_amount=given.discount_is_amount if "discount_is_amount" in set_ else False,
    )
    _merge(line, given, loaded or Loaded())
    if not line.name:
        raise NameRequired()
    if given.save and not given.item_id:
        line.item_id = _save_item(context, line, tax_refs).id
    elif item is not None:
        line.item_id = item.id
    line.taxes = [resolve_tax(context, ref) for ref in tax_refs]
    return line


def _merge(line: DocumentLine, given: DocumentItemIn, loaded: Loaded) -> None:
    """What the caller set wins, even null; else the loaded item's value where it has one;
    else the line does not have the key. The prices go as a pair: the caller's price, net or
    gross, wins over both loaded ones."""
    set_ = given.model_fields_set
    if set_ & {"price", "price_gross"}:
        loaded = replace(loaded, price=None, price_gross=None)
    if "name" in set_ or loaded.name is not None:
        line.name = given.name if "name" in set_ else loaded.name
    if "description" in set_ or loaded.description is not None:
        line.description = given.description if "description" in set_ else loaded.description
    if "unit" in set_ or loaded.unit is not None:
        line.unit = given.unit if "unit" in set_ else loaded.unit
    if "sku" in set_ or loaded.sku is not None:
        line.sku = given.sku if "sku" in set_ else loaded.sku
    if "price" in set_ or loaded.price is not None:
        line.price = given.price if "price" in set_ else loaded.price
    if "price_gross" in set_ or loaded.price_gross is not None:
        line.price_gross = given.price_gross if "price_gross" in set_ else loaded.price_gross


def _separator(given: DocumentItemIn) -> DocumentLine:
    """COMPAT §6.6: a separator keeps only its name and description."""
    line = DocumentLine(id=new_uuid(), is_separator=True)
    if "name" in given.model_fields_set:
        line.name = given.name
    if "description" in given.model_fields_set:
        line.description = given.description
    return line


def _saved_item(context: LineContext, given: DocumentItemIn) -> Item | None:
    saved = ItemRepository(context.session)
    if given.item_id:
        item = saved.get_in(context.organization_id, given.item_id)
        if item is None:
            raise UnknownReference("_documentItems.itemId", "item", given.item_id)
        return item
    if given.sku and (given.load or context.load):
        return saved.with_sku(context.organization_id, given.sku)
    return None


def _loaded(context: LineContext, item: Item) -> Loaded:
    """The saved item's values, priced by the client's active sale price list if it has one.
    The item keeps both prices; its net price is loaded (the gross one follows from it)."""
    price = pricing.active_sale_price(
        context.session, context.organization_id, context.client_id, item.id, _midday(context.on)
    )
    source: Item | Price = item if price is None else price
    return Loaded(
        name=item.name,
        description=item.description,
        unit=item.unit,
        sku=item.sku or None,
        price=source.price,
        price_gross=None if source.price is not None else source.price_gross,
    )


def _midday(on: date) -> datetime:
    return datetime.combine(on, time(12), UTC)


def _save_item(context: LineContext, line: DocumentLine, refs: list[ItemTaxIn]) -> Item:
    values = {
        "name": line.name,
        "description": line.description,
        "unit": line.unit,
        "price": line.price,
        "priceGross": line.price_gross,
        "SKU": line.sku,
        "_itemTaxes": [ref.model_dump(exclude_unset=True, by_alias=True) for ref in refs],
    }
    schema = items.items.create_schema.model_validate(values)
    return items.items.create(
        context.session, context.organization_id, schema.given_with_defaults()
    )


def resolve_tax(context: LineContext, ref: ItemTaxIn) -> DocumentLineTax:
    """COMPAT §6.7: by taxId, else by rate, else by classification; the rate in force on the
    document's date. What the caller gives wins over the tax found, even null; no match keeps
    the given values with taxId null."""
    tax = _matched_tax(context, ref)
    in_force = taxes.rate_in_force(tax, context.on) if tax is not None else None
    rate = ref.rate if "rate" in ref.model_fields_set else in_force
    if rate is None:
        raise TaxRateRequired()
    resolved = _as_found(tax, rate)
    _overlay(resolved, ref)
    return resolved


def _matched_tax(context: LineContext, ref: ItemTaxIn) -> Tax | None:
    tax = context.taxes_by_id.get(ref.tax_id) if ref.tax_id else None
    if ref.tax_id and tax is None:
        raise UnknownReference("_documentItemTaxes.taxId", "tax", ref.tax_id)
    if tax is not None:
        return tax
    return taxes.match_in(
        context.taxes, rate=ref.rate, classification=ref.classification, on=context.on
    )


def _as_found(tax: Tax | None, rate: Decimal) -> DocumentLineTax:
    """The entry as the tax found has it; with none, taxId null and a new tax's flags."""
    found = DocumentLineTax(
        id=new_uuid(), tax_id=None, rate=rate, recoverable=True, compound=False,
        reverse_charged=False,
    )  # fmt: skip
    if tax is not None:
        found.tax_id = tax.id
        found.name = tax.name
        found.abbreviation = tax.abbreviation
        found.classification = tax.classification
        found.recoverable = tax.recoverable
        found.compound = tax.compound
        found.reverse_charged = tax.reverse_charged
    return found


def _overlay(resolved: DocumentLineTax, ref: ItemTaxIn) -> None:
    """The values the caller set, even null, over the tax's (a taxId given names the tax found)."""
    set_ = ref.model_fields_set
    if "name" in set_:
        resolved.name = ref.name
    if "abbreviation" in set_:
        resolved.abbreviation = ref.abbreviation
    if "classification" in set_:
        resolved.classification = ref.classification
    if "recoverable" in set_:
        resolved.recoverable = ref.recoverable
    if "compound" in set_:
        resolved.compound = ref.compound
    if "reverse_charged" in set_:
        resolved.reverse_charged = ref.reverse_charged
    if "custom" in set_:
        resolved.custom = ref.custom


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
