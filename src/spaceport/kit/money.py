"""Money arithmetic: the only places where amounts, quantities and rates are cut or rounded
(DESIGN: "cut and rounded only by the functions in kit/money"; COMPAT §1.6, COMPAT §6.8).

Every function takes and returns `Decimal`; a float in a money path is a bug."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal

# Cutting and rounding never fail for want of digits: a product of two amounts within
# kit.bounds has up to 35 digits before the point is cut; whether the result may be stored is
# decided where it is stored (kit.db.Money, COMPAT §2.2), not by a decimal.InvalidOperation.
_WIDE = Context(prec=80)


def _unit(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def cut(value: Decimal, places: int) -> Decimal:
    """Truncate toward zero to `places` decimals: 9.975 → 9.97, -1.239 → -1.23
    (COMPAT §6.8 step 1)."""
    return value.quantize(_unit(places), rounding=ROUND_DOWN, context=_WIDE)


def round_to(value: Decimal, places: int) -> Decimal:
    """Round half away from zero to `places` decimals: 2.345 → 2.35, -2.345 → -2.35
    (COMPAT §6.8: ROUND_HALF_UP)."""
    return value.quantize(_unit(places), rounding=ROUND_HALF_UP, context=_WIDE)


def round2(value: Decimal) -> Decimal:
    """Round half away from zero to cents (COMPAT §6.8 steps 3 to 7)."""
    return round_to(value, 2)
