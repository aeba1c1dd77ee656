"""Document totals, step by step as the reference's "Calculations" and COMPAT §6.8 say.

Pure: Decimals in, Decimals out, no database. Every intermediate result is rounded half-up to
the cent before the next operation; inputs are first cut (truncated) to `decimal_places`
(amounts, quantities) or to 2 decimals (percents, rates). `tax_rounding="document"` computes
each tax once on the summed base of its rate instead (EN 16931 BR-CO-17)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from spaceport.kit.money import cut, round2, round_to
from spaceport.taxes.arithmetic import HUNDRED, ZERO, LineTax, cut_rates, gross_factor

TaxRounding = Literal["line", "document"]


@dataclass(frozen=True)
class Line:
    quantity: Decimal = Decimal(1)
    price: Decimal | None = None
    price_gross: Decimal | None = None
    discount: Decimal = ZERO
    discount_is_amount: bool = False
    taxes: Sequence[LineTax] = ()


@dataclass(frozen=True)
class TaxAmount:
    tax: LineTax
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class LineTotals:
    price: Decimal
    base: Decimal
    total_discount: Decimal
    total: Decimal
    total_tax: Decimal
    total_with_tax: Decimal
    taxes: tuple[TaxAmount, ...]


@dataclass
class TaxSummary:
    """One `_documentTaxes` (or `_documentReverseTaxes`) entry."""

    tax: Decimal
    tax_id: str | None
    base: Decimal = ZERO
    total_tax: Decimal = ZERO


@dataclass(frozen=True)
class DocumentTotals:
    lines: tuple[LineTotals, ...]
    total: Decimal
    total_discount: Decimal
    total_with_tax: Decimal
    taxes: tuple[TaxSummary, ...] = field(default=())
    reverse_taxes: tuple[TaxSummary, ...] = field(default=())


def net_price(line: Line, taxes: Sequence[LineTax], places: int) -> Decimal:
    """Step 2: a given priceGross wins; price = priceGross / gross factor, to `places`."""
    if line.price_gross is not None:
        return round_to(cut(line.price_gross, places) / gross_factor(taxes), places)
    return cut(line.price if line.price is not None else ZERO, places)


def line_discount(line: Line, base: Decimal, places: int) -> Decimal:
    """Step 4: a percent of the base, or an amount for the whole line."""
    if line.discount_is_amount:
        return round2(cut(line.discount, places))
    return round2(base * cut(line.discount, 2) / HUNDRED)


def line_taxes(total: Decimal, taxes: Sequence[LineTax]) -> tuple[TaxAmount, ...]:
    """Step 6: non-compound taxes on the total; compound ones on the total plus the line's
    non-compound, non-reverse tax amounts."""

    def amount(tax: LineTax, base: Decimal) -> TaxAmount:
        return TaxAmount(tax, base, round2(base * tax.rate / HUNDRED))

    simple = [amount(t, total) for t in taxes if not t.compound]
    compound_base = total + sum((a.amount for a in simple if not a.tax.reverse_charged), ZERO)
    simple_amounts = iter(simple)
    return tuple(amount(t, compound_base) if t.compound else next(simple_amounts) for t in taxes)


def calculate_line(line: Line, places: int = 4) -> LineTotals:
    taxes = cut_rates(line.taxes)
    price = net_price(line, taxes, places)
    base = round2(price * cut(line.quantity, places))  # step 3
    total_discount = line_discount(line, base, places)
    total = round2(base - total_discount)  # step 5
    amounts = line_taxes(total, taxes)
    total_tax = sum((a.amount for a in amounts if not a.tax.reverse_charged), ZERO)  # step 7
    return LineTotals(
        price=price,
        base=base,
        total_discount=total_discount,
        total=total,
        total_tax=total_tax,
        total_with_tax=round2(total + total_tax),
        taxes=amounts,
    )


def tax_key(tax: LineTax) -> tuple[object, ...]:
    """COMPAT §6.8: one entry per tax, by taxId, else by rate."""
    return ("id", tax.tax_id) if tax.tax_id else ("rate", tax.rate, tax.compound)


def summarize(lines: Sequence[LineTotals], reverse: bool) -> dict[tuple[object, ...], TaxSummary]:
    summaries: dict[tuple[object, ...], TaxSummary] = {}
    for line in lines:
        for amount in line.taxes:
            if amount.tax.reverse_charged != reverse:
                continue
            key = tax_key(amount.tax)
            summary = summaries.setdefault(key, TaxSummary(amount.tax.rate, amount.tax.tax_id))
            summary.base += amount.base
            summary.total_tax += amount.amount
    return summaries


def calculate(
    lines: Sequence[Line], places: int = 4, tax_rounding: TaxRounding = "line"
) -> DocumentTotals:
    line_totals = tuple(calculate_line(line, places) for line in lines)
    taxes = summarize(line_totals, reverse=False)
    if tax_rounding == "document":
        for summary in taxes.values():  # BR-CO-17: once per rate, on the summed base
            summary.total_tax = round2(summary.base * summary.tax / HUNDRED)
    total = sum((line.total for line in line_totals), ZERO)
    total_tax = sum((s.total_tax for s in taxes.values()), ZERO)
    return DocumentTotals(
        lines=line_totals,
        total=total,
        total_discount=sum((line.total_discount for line in line_totals), ZERO),
        total_with_tax=round2(total + total_tax),
        taxes=tuple(taxes.values()),
        reverse_taxes=tuple(summarize(line_totals, reverse=True).values()),
    )


__all__ = [
    "DocumentTotals", "Line", "LineTax", "LineTotals", "TaxAmount", "TaxRounding", "TaxSummary",
    "calculate", "calculate_line", "cut_rates", "gross_factor",
]  # fmt: skip
