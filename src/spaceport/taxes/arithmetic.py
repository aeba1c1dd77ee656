"""The tax arithmetic that items and documents share (COMPAT §6.8 steps 1 and 2).

Pure: Decimals in, Decimals out; it imports no domain, so a saved item's gross price and a
document line's net price are computed by the same lines of code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from spaceport.kit.money import cut

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineTax:
    """One tax of a line (or of a saved item) as the arithmetic needs it."""

    rate: Decimal
    tax_id: str | None = None
    compound: bool = False
    reverse_charged: bool = False


def cut_rates(taxes: Sequence[LineTax]) -> list[LineTax]:
    """COMPAT §6.8 step 1 for taxes: every rate cut to 2 decimals."""
    return [LineTax(cut(t.rate, 2), t.tax_id, t.compound, t.reverse_charged) for t in taxes]


def gross_factor(taxes: Sequence[LineTax]) -> Decimal:
    """COMPAT §6.8 step 2: (1 + Σ non-compound rates/100) × Π(1 + compound rate/100); reverse
    charge left out."""
    charged = [t for t in taxes if not t.reverse_charged]
    factor = 1 + sum((t.rate for t in charged if not t.compound), ZERO) / HUNDRED
    for tax in charged:
        if tax.compound:
            factor *= 1 + tax.rate / HUNDRED
    return factor
