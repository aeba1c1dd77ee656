"""The neutral EN 16931 view of a document (EINV §E3): the business terms every syntax writes,
built from the document as it is saved. Pure: no database, no XML.

Every amount is the document's own (EINV §E3, EINV §E4.2): totals, line amounts and the VAT
breakdown are read from the document, never computed again; only their signs are turned for a
credit note that states a credit (EINV §E2.3)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from spaceport.documents import smartcodes
from spaceport.documents.lines import DocumentLine, lines_of
from spaceport.documents.models import Document
from spaceport.einvoices import checks
from spaceport.einvoices.checks import Category, line_category
from spaceport.einvoices.codes import (
    EXEMPT_TEXT,
    EXEMPTIONS,
    electronic_address,
    unit_code,
    vat_identifier,
)

ZERO = Decimal(0)
TYPE_CODES = {"invoice": "380", "advance": "386", "credit-note": "381"}
# EINV §E3.5: the PDF's UPN QR reference for a Slovenian issuer whose number is only digits
# and dashes.
UPN_NUMBER = re.compile(r"^[0-9-]+$")


@dataclass(frozen=True)
class Party:
    """BG-4 (seller) or BG-7 (buyer), EINV §E3.2, EINV §E3.3."""

    name: str
    address: str
    address2: str | None
    city: str
    zip: str | None
    country: str  # alpha-2
    vat_id: str | None
    company_number: str | None
    phone: str | None
    email: str | None
    endpoint: tuple[str, str] | None  # (EAS scheme, identifier)


@dataclass(frozen=True)
class Payment:
    """BG-16 with a SEPA credit transfer (EINV §E3.5)."""

    means: str
    iban: str
    holder: str
    bic: str | None
    reference: str


@dataclass(frozen=True)
class Allowance:
    """BG-27, the line's discount (EINV §E3.6)."""

    amount: Decimal
    percent: Decimal | None
    base: Decimal | None


@dataclass(frozen=True)
class Line:
    """BG-25 (EINV §E3.6)."""

    position: int
    quantity: Decimal
    unit: str
    price: Decimal
    total: Decimal  # BT-131
    total_tax: Decimal
    total_with_tax: Decimal
    name: str
    description: str | None
    sku: str | None
    category: Category
    rate: Decimal
    allowance: Allowance | None


@dataclass(frozen=True)
class Breakdown:
    """BG-23, one per category and rate (EINV §E3.9)."""

    category: Category
    rate: Decimal
    base: Decimal
    tax: Decimal
    exemption_code: str | None
    exemption_text: str | None


@dataclass(frozen=True)
class Preceding:
    """BG-3: an invoice or advance a credit note refers to (EINV §E3.1)."""

    number: str
    day: date


@dataclass(frozen=True)
class Totals:
    """BG-22 (EINV §E3.9)."""

    lines: Decimal  # BT-106
    tax_exclusive: Decimal  # BT-109
    tax: Decimal  # BT-110
    tax_inclusive: Decimal  # BT-112
    paid: Decimal | None  # BT-113, when not 0
    due: Decimal  # BT-115


@dataclass(frozen=True)
class EInvoice:
    type_code: str  # BT-3
    credit_note: bool
    number: str  # BT-1
    issued: date  # BT-2
    due: date | None  # BT-9
    delivered: date  # BT-72
    period: tuple[date, date] | None  # BG-14
    currency: str  # BT-5
    tax_currency: str | None  # BT-6
    tax_in_tax_currency: Decimal | None  # BT-111
    buyer_reference: str  # BT-10
    note: str | None  # BT-22
    preceding: tuple[Preceding, ...]  # BG-3
    seller: Party
    buyer: Party
    deliver_to_country: str | None  # BT-80 (intra-community supply)
    payment: Payment | None
    lines: tuple[Line, ...]
    breakdown: tuple[Breakdown, ...]
    totals: Totals


def decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value if value is not None else 0))


def local_day(moment: datetime, timezone: str) -> date:
    """EINV §E3.1: the day the PDF prints, in the organization's time zone."""
    try:
        zone: Any = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).date()


def text(value: Any) -> str | None:
    found = str(value).strip() if value is not None else ""
    return found or None


def party(values: Mapping[str, Any], country: str) -> Party:
    vat_id = vat_identifier(values.get("taxNumber"), country)
    email = text(values.get("email"))
    return Party(
        name=str(text(values.get("name"))),
        address=str(text(values.get("address"))),
        address2=text(values.get("address2")),
        city=str(text(values.get("city"))),
        zip=text(values.get("zip")),
        country=country,
        vat_id=vat_id,
        company_number=text(values.get("companyNumber")),
        phone=text(values.get("phone")),
        email=email,
        endpoint=electronic_address(vat_id, country, email),
    )


def payment(issuer: Mapping[str, Any], country: str, number: str) -> Payment | None:
    """EINV §E3.5: only when the issuer has an IBAN."""
    iban = re.sub(r"\s", "", str(issuer.get("IBAN") or "")).upper()
    if not iban:
        return None
    reference = f"SI00{number}" if country == "SI" and UPN_NUMBER.match(number) else number
    return Payment(
        means="58",
        iban=iban,
        holder=str(text(issuer.get("name"))),
        bic=text(issuer.get("SWIFT")),
        reference=reference,
    )


def line_of(stored: DocumentLine, position: int, sign: Decimal) -> Line:
    """EINV §E3.6. A negative price is written positive with its quantity negative (BR-27: a
    net price is never negative); the line amount stays the document's."""
    category, rate = line_category(stored.taxes[0])
    quantity, price = decimal(stored.quantity) * sign, decimal(stored.price)
    if price < 0:
        quantity, price = -quantity, -price
    total = decimal(stored.total) * sign
    discount = decimal(stored.total_discount) * sign
    allowance = None
    if discount != 0:
        percent = None if stored.discount_is_amount else decimal(stored.discount)
        base = None if percent is None else total + discount
        allowance = Allowance(discount, percent, base)
    return Line(
        position=position,
        quantity=quantity,
        unit=unit_code(stored.unit),
        price=price,
        total=total,
        total_tax=decimal(stored.total_tax) * sign,
        total_with_tax=decimal(stored.total_with_tax) * sign,
        name=str(stored.name or ""),
        description=text(stored.description),
        sku=text(stored.sku),
        category=category,
        rate=rate,
        allowance=allowance,
    )


def exemption(category: Category, lines: Sequence[DocumentLine]) -> tuple[str | None, str | None]:
    """EINV §E3.8: E is the tax's name (no code); AE, K, G have their VATEX code and text."""
    if category == "E":
        names = (text(line.taxes[0].name) for line in lines)
        return None, next((n for n in names if n), EXEMPT_TEXT)
    if category in EXEMPTIONS:
        return EXEMPTIONS[category]
    return None, None


def breakdown(document: Document, lines: Sequence[DocumentLine], sign: Decimal) -> list[Breakdown]:
    """EINV §E3.9: Σ `base`, Σ `totalTax` of the `_documentTaxes` entries of each category and
    rate; AE from `_documentReverseTaxes` with tax 0. An entry that lines of several categories
    share (one tax id given as exempt on one line and zero-rated on another: its rate, and so
    its tax, is 0) is split by the lines' own amounts."""
    by_key: dict[tuple[object, ...], list[DocumentLine]] = {}
    for line in lines:
        by_key.setdefault(checks.summary_key(line.taxes[0]), []).append(line)
    groups: dict[tuple[Category, Decimal], list[Decimal]] = {}
    members: dict[tuple[Category, Decimal], list[DocumentLine]] = {}

    def add(category: Category, rate: Decimal, base: Decimal, tax: Decimal) -> None:
        amounts = groups.setdefault((category, rate), [ZERO, ZERO])
        amounts[0] += base
        amounts[1] += tax

    for entry in document.document_taxes or []:
        key = checks.entry_key(entry)
        owners = by_key.get(key, [])
        kinds = {line_category(line.taxes[0]) for line in owners}
        base, tax = decimal(entry.get("base")), decimal(entry.get("totalTax"))
        if len(kinds) == 1:
            add(*kinds.pop(), base * sign, tax * sign)
            continue
        for category, rate in sorted(kinds):
            share = [line for line in owners if line_category(line.taxes[0]) == (category, rate)]
            add(category, rate, sum((decimal(x.total) for x in share), ZERO) * sign, ZERO)
    for entry in document.document_reverse_taxes or []:
        add("AE", ZERO, decimal(entry.get("base")) * sign, ZERO)
    for line in lines:
        members.setdefault(line_category(line.taxes[0]), []).append(line)
    result = []
    for (category, rate), (base, tax) in sorted(groups.items()):
        code, reason = exemption(category, members.get((category, rate), []))
        result.append(Breakdown(category, rate, base, tax, code, reason))
    return result


def build(
    document: Document,
    timezone: str,
    preceding: Sequence[tuple[str, datetime]] = (),
    refused: Mapping[str, Sequence[str]] | None = None,
) -> EInvoice:
    """The e-invoice of `document`, or the one 422 naming everything missing (EINV §E5.1),
    the request's own refusals (`format`, `einvoice`) among them."""
    issuer, client = document.document_issuer or {}, document.document_client or {}
    lines = [line for line in lines_of(document.document_items) if not line.is_separator]
    messages, seller_country, buyer_country = checks.problems(document, lines)
    for key, found in (refused or {}).items():
        messages.setdefault(key, []).extend(found)
    # EINV §E2.3: a credit note with a negative total states the credit in positive amounts
    negative = document.type == "credit-note" and decimal(document.total_with_tax) < 0
    sign = Decimal(-1) if negative else Decimal(1)
    vat: list[Breakdown] = []
    if lines and "_documentItems._documentItemTaxes" not in messages:
        vat = breakdown(document, lines, sign)
        rounding = checks.rounding_problems([(b.rate, b.base, b.tax) for b in vat])
        if rounding:
            messages["_documentTaxes"] = rounding
    if messages:
        raise checks.EInvoiceIncomplete(messages)
    invoice = document.type == "invoice"
    number = str(document.number)
    parsed = smartcodes.parse(document.note, {"number": number, "_documentIssuer": issuer})
    items = tuple(line_of(line, n, sign) for n, line in enumerate(lines, start=1))
    day = local_day(document.date, timezone)
    service_from = document.date_service if invoice else None
    period: tuple[date, date] | None = None
    if invoice and document.date_service and document.date_service_to:
        start, end = document.date_service, document.date_service_to
        period = (local_day(start, timezone), local_day(end, timezone))
    rate = document.document_conversion_rate
    converted = isinstance(rate, dict) and rate.get("to") and document.total_converted is not None
    paid = decimal(document.total_paid) * sign
    return EInvoice(
        type_code=TYPE_CODES[document.type],
        credit_note=document.type == "credit-note",
        number=number,
        issued=day,
        due=local_day(document.date_due, timezone) if invoice and document.date_due else None,
        delivered=local_day(service_from, timezone) if service_from else day,
        period=period,
        currency=document.currency_id,
        tax_currency=str(rate["to"]) if converted else None,
        tax_in_tax_currency=(
            (decimal(document.total_with_tax_converted) - decimal(document.total_converted)) * sign
            if converted
            else None
        ),
        buyer_reference=text(document.reference) or number,
        note=text(parsed),
        preceding=tuple(Preceding(n, local_day(d, timezone)) for n, d in preceding),
        seller=party(issuer, seller_country),
        buyer=party(client, buyer_country),
        deliver_to_country=buyer_country if any(i.category == "K" for i in items) else None,
        payment=payment(issuer, seller_country, number),
        lines=items,
        breakdown=tuple(vat),
        totals=Totals(
            lines=decimal(document.total) * sign,
            tax_exclusive=decimal(document.total) * sign,
            tax=(decimal(document.total_with_tax) - decimal(document.total)) * sign,
            tax_inclusive=decimal(document.total_with_tax) * sign,
            paid=paid if paid != 0 else None,
            due=decimal(document.total_due) * sign,
        ),
    )
