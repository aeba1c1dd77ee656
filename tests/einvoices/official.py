"""The official EN 16931 examples of CEN/TC 434 (EINV §E7.5), read at test time from the shared
data (never copied into the repository): each one's lines as a Spaceport document would state
them, and the totals and VAT breakdown it declares. An example Spaceport cannot represent says
why."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from tests.einvoices.artefacts import EXAMPLES

UBL_NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CII_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
# EINV §E3.8 read backwards: the line tax that gives each category
TAXES: dict[str, dict[str, Any]] = {
    "Z": {"classification": None},
    "E": {"classification": "exempt", "name": "Exempt"},
    "AE": {"reverseCharged": True},
    "K": {"classification": "intra-community"},
    "G": {"classification": "export"},
}
PLACES = Decimal("0.0001")  # a document's decimal places (COMPAT §6.8)


@dataclass
class Example:
    name: str
    type: str
    currency: str
    lines: list[dict[str, Any]] = field(default_factory=list)
    # BT-106, BT-110, BT-112, and (category, rate) → (BT-116, BT-117)
    total: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    total_with_tax: Decimal = Decimal(0)
    breakdown: dict[tuple[str, Decimal], tuple[Decimal, Decimal]] = field(default_factory=dict)
    why_not: list[str] = field(default_factory=list)


def dec(node: Any) -> Decimal:
    return Decimal(str(node.text if hasattr(node, "text") else node).strip())


def line_tax(category: str, rate: Decimal) -> dict[str, Any]:
    if category == "S":
        return {"rate": str(rate)}
    given = TAXES.get(category, {})
    return {"rate": "0", **{k: v for k, v in given.items() if v is not None}}


def spaceport_line(
    example: Example, n: int, name: str, quantity: Decimal, price: Decimal,
    allowances: list[Decimal], category: str, rate: Decimal, amount: Decimal,
) -> None:  # fmt: skip
    """One line as Spaceport states it: quantity, net price, an amount discount, one tax. The
    example's own line amount (BT-131) must be its quantity × price − allowances (no EN 16931
    rule asks it, and one example has a line that isn't)."""
    stated = (quantity * price).quantize(Decimal("0.01"), ROUND_HALF_UP) - sum(allowances)
    if stated != amount:
        example.why_not.append(f"line {n}: BT-131 {amount} is not quantity × price ({stated})")
    if category not in ("S", *TAXES):
        example.why_not.append(f"line {n}: VAT category {category} (out of scope, EINV §E8.2)")
    if price != price.quantize(PLACES) or quantity != quantity.quantize(PLACES):
        example.why_not.append(f"line {n}: price or quantity beyond 4 decimals")
    if len(allowances) > 1:
        example.why_not.append(f"line {n}: several allowances")
    line: dict[str, Any] = {
        "name": name or f"Line {n}",
        "quantity": str(quantity),
        "price": str(price),
        "_documentItemTaxes": [line_tax(category, rate)],
    }
    if allowances:
        line |= {"discount": str(sum(allowances)), "discountIsAmount": True}
    example.lines.append(line)


def ubl(path: Path) -> Example:
    root = etree.parse(str(path)).getroot()
    kind = etree.QName(root).localname

    def x(node: Any, query: str) -> list[Any]:
        return list(node.xpath(query, namespaces=UBL_NS))

    currency = str(x(root, "cbc:DocumentCurrencyCode")[0].text)
    example = Example(path.name, "credit-note" if kind == "CreditNote" else "invoice", currency)
    if x(root, "cac:AllowanceCharge"):
        example.why_not.append("document-level allowances or charges (EINV §E8.2)")
    if x(root, "cac:LegalMonetaryTotal/cbc:PayableRoundingAmount"):
        example.why_not.append("a rounding amount (BT-114)")
    for n, line in enumerate(x(root, f"cac:{kind}Line"), start=1):
        quantity = dec(x(line, "cbc:InvoicedQuantity|cbc:CreditedQuantity")[0])
        base = x(line, "cac:Price/cbc:BaseQuantity")
        price = dec(x(line, "cac:Price/cbc:PriceAmount")[0]) / (dec(base[0]) if base else 1)
        if x(line, "cac:AllowanceCharge[cbc:ChargeIndicator='true']"):
            example.why_not.append(f"line {n}: a line charge")
        allowances = [
            dec(a) for a in x(line, "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:Amount")
        ]
        category = str(x(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID")[0].text)
        percent = x(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent")
        rate = dec(percent[0]) if percent else Decimal(0)
        name = str(x(line, "cac:Item/cbc:Name")[0].text or "")
        # A return stated with a positive quantity and a negative amount (example 1's line
        # 20): the amount is what the example means; Spaceport states it by the quantity.
        amount = dec(x(line, "cbc:LineExtensionAmount")[0])
        if (amount < 0) != (quantity * price < 0):
            quantity = -quantity
        spaceport_line(example, n, name, quantity, price, allowances, category, rate, amount)
    total = "cac:LegalMonetaryTotal/cbc:"
    example.total = dec(x(root, total + "LineExtensionAmount")[0])
    example.total_with_tax = dec(x(root, total + "TaxInclusiveAmount")[0])
    example.tax = dec(x(root, f"cac:TaxTotal/cbc:TaxAmount[@currencyID='{currency}']")[0])
    for subtotal in x(root, "cac:TaxTotal/cac:TaxSubtotal"):
        category = str(x(subtotal, "cac:TaxCategory/cbc:ID")[0].text)
        percent = x(subtotal, "cac:TaxCategory/cbc:Percent")
        key = (category, dec(percent[0]) if percent else Decimal(0))
        amounts = (dec(x(subtotal, "cbc:TaxableAmount")[0]), dec(x(subtotal, "cbc:TaxAmount")[0]))
        example.breakdown[key] = amounts
    return example


def cii(path: Path) -> Example:
    root = etree.parse(str(path)).getroot()

    def x(node: Any, query: str) -> list[Any]:
        return list(node.xpath(query, namespaces=CII_NS))

    settlement = x(root, "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement")[0]
    currency = str(x(settlement, "ram:InvoiceCurrencyCode")[0].text)
    code = str(x(root, "rsm:ExchangedDocument/ram:TypeCode")[0].text)
    example = Example(path.name, "credit-note" if code == "381" else "invoice", currency)
    if code not in ("380", "381"):
        example.why_not.append(f"type code {code}")
    if x(settlement, "ram:SpecifiedTradeAllowanceCharge|ram:SpecifiedLogisticsServiceCharge"):
        example.why_not.append("document-level allowances or charges (EINV §E8.2)")
    summation = x(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")[0]
    if x(summation, "ram:RoundingAmount[. != 0]"):
        example.why_not.append("a rounding amount (BT-114)")
    items = "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
    for n, line in enumerate(x(root, items), start=1):
        quantity = dec(x(line, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")[0])
        price_path = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/"
        base = x(line, price_path + "ram:BasisQuantity")
        price = dec(x(line, price_path + "ram:ChargeAmount")[0]) / (dec(base[0]) if base else 1)
        charges = "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge"
        if x(line, charges + "[ram:ChargeIndicator/udt:Indicator='true']"):
            example.why_not.append(f"line {n}: a line charge")
        allowances = [
            dec(a)
            for a in x(
                line, charges + "[ram:ChargeIndicator/udt:Indicator='false']/ram:ActualAmount"
            )
        ]
        tax = "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
        category = str(x(line, tax + "ram:CategoryCode")[0].text)
        percent = x(line, tax + "ram:RateApplicablePercent")
        rate = dec(percent[0]) if percent else Decimal(0)
        name = str(x(line, "ram:SpecifiedTradeProduct/ram:Name")[0].text or "")
        summed = (
            "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation"
        )
        amount = dec(x(line, summed + "/ram:LineTotalAmount")[0])
        if (amount < 0) != (quantity * price < 0):
            quantity = -quantity  # a return stated by its amount, as in `ubl`
        spaceport_line(example, n, name, quantity, price, allowances, category, rate, amount)
    example.total = dec(x(summation, "ram:LineTotalAmount")[0])
    example.total_with_tax = dec(x(summation, "ram:GrandTotalAmount")[0])
    taxes = x(summation, f"ram:TaxTotalAmount[@currencyID='{currency}']")
    example.tax = dec(taxes[0]) if taxes else Decimal(0)
    for entry in x(settlement, "ram:ApplicableTradeTax"):
        category = str(x(entry, "ram:CategoryCode")[0].text)
        percent = x(entry, "ram:RateApplicablePercent")
        key = (category, dec(percent[0]) if percent else Decimal(0))
        amounts = (dec(x(entry, "ram:BasisAmount")[0]), dec(x(entry, "ram:CalculatedAmount")[0]))
        example.breakdown[key] = amounts
    return example


def examples(folder: str) -> list[Path]:
    return sorted((EXAMPLES / folder).iterdir(), key=lambda p: p.name.lower())
