"""Orders (COMPAT §7.6): CRUD through `Resource`, and the conversion of an order into an
invoice or an estimate."""

from __future__ import annotations

import logging
from typing import Any, Final

from pydantic import BaseModel
from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.documents import service as documents
from spaceport.documents.models import Document
from spaceport.documents.schemas import DocumentCreate
from spaceport.kit.db import utcnow
from spaceport.kit.errors import invalid
from spaceport.kit.wire import validate
from spaceport.orders.errors import OrderAlreadyConverted
from spaceport.orders.models import Order
from spaceport.orders.schemas import ConversionType, OrderCreate, OrderUpdate
from spaceport.organizations.models import Organization
from spaceport.resources import Resource, Values

log = logging.getLogger(__name__)

# JSON objects that are never null: a null sent for one means "leave as is", as for `custom`.
# A null for another required property is a 422 naming it (kit.db), as for every resource.
KEPT_WHEN_NULL: Final = frozenset({"items", "billing_address", "shipping_address"})
# Which order property keeps the id of the document of each type (COMPAT §7.6).
DOCUMENT_ID: Final[dict[str, str]] = {"invoice": "invoice_id", "estimate": "estimate_id"}


def _plain(value: Any) -> Any:
    """Nested request models as stored JSON, with the API's property names."""
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_none=True)
    if isinstance(value, list):
        return [_plain(entry) for entry in value]
    return value


def prepare(_session: Session, _organization_id: str, values: Values, order: Any) -> Values:
    values = {k: _plain(v) for k, v in values.items() if v is not None or k not in KEPT_WHEN_NULL}
    if values.get("currency_id"):
        values["currency_id"] = values["currency_id"].upper()
    if order is None and values.get("date") is None:
        values["date"] = utcnow()
    return values


orders = Resource(Order, "order", "orders", OrderCreate, OrderUpdate, prepare=prepare)


# -- conversion into a document (COMPAT §7.6) -------------------------------------------------


def document_client(address: dict[str, Any]) -> dict[str, Any]:
    """`_documentClient` from `_billingAddress`: a company is the client and the person its
    contact; otherwise the person (`name`, or `firstName` + `lastName`) is the client."""
    person = address.get("name") or " ".join(
        part for part in (address.get("firstName"), address.get("lastName")) if part
    )
    company = address.get("company")
    if not (company or person):
        raise invalid("_billingAddress", "needs a name, firstName and lastName, or company")
    client: dict[str, Any] = {"name": company or person}
    if company and person:
        client["contact"] = person
    for key in ("address", "address2", "city", "state", "country", "email", "phone", "taxNumber"):
        if address.get(key):
            client[key] = address[key]
    postcode = address.get("zip") or address.get("postcode")
    if postcode:
        client["zip"] = postcode
    return client


def document_item(item: dict[str, Any]) -> dict[str, Any]:
    """A document line from an order line; `taxRate` finds the organization's tax by rate
    (COMPAT §6.7)."""
    line: dict[str, Any] = {"name": item["name"], "quantity": item.get("quantity", 1)}
    if item.get("price") is not None:
        line["price"] = item["price"]
    elif item.get("priceGross") is not None:
        line["priceGross"] = item["priceGross"]
    else:
        raise invalid("_items.price", "an order line needs price or priceGross to be invoiced")
    for key in ("SKU", "discount"):
        if item.get(key) is not None:
            line[key] = item[key]
    if item.get("taxRate") is not None:
        line["_documentItemTaxes"] = [{"rate": item["taxRate"]}]
    return line


def document_data(
    order: Order, kind: ConversionType, furs: dict[str, Any] | None = None
) -> DocumentCreate:
    if not order.items:
        raise invalid("_items", "the order has no items to put on a document")
    body: dict[str, Any] = {
        "type": kind,
        "_documentClient": document_client(order.billing_address),
        "_documentItems": [document_item(item) for item in order.items],
        # One document of each type per order, even for concurrent calls (COMPAT §6.11).
        "uniqueId": f"order:{order.id}:{kind}",
    }
    if order.currency_id:
        body["currencyId"] = order.currency_id
    if furs is not None:
        body["_furs"] = furs
    if order.number or order.order_id:
        body["reference"] = order.number or order.order_id
    return validate(DocumentCreate, body)


def convert(
    session: Session,
    organization: Organization,
    account_id: str,
    order: Order,
    kind: ConversionType,
    server: Settings | None = None,
    furs: dict[str, Any] | None = None,
) -> Document:
    """Turn the order into a document of `kind` and remember its id on the order; with the
    server's settings an invoice is fiscalized while the organization verifies (FISCAL §S8.1),
    at the place `furs` names (FISCAL §S8.2)."""
    # Lock the order (PostgreSQL) so a concurrent conversion waits and then sees the id.
    session.refresh(order, with_for_update=True)
    attribute = DOCUMENT_ID[kind]
    if getattr(order, attribute):
        raise OrderAlreadyConverted(kind)
    data = document_data(order, kind, furs)
    document = documents.create(session, organization, account_id, data, server)
    if order.expected_total_with_tax is not None:
        _check_total(order, document)
    orders.update(session, order, {attribute: document.id})
    return document


def _check_total(order: Order, document: Document) -> None:
    """A shop's expected total that differs from ours is logged, not refused: the document
    is what counts, and its answer stays the reference's Document."""
    if order.expected_total_with_tax != document.total_with_tax:
        log.warning(
            "order %s expected totalWithTax %s, its %s %s has %s",
            order.id,
            order.expected_total_with_tax,
            document.type,
            document.id,
            document.total_with_tax,
        )
