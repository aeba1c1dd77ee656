"""The hand-computed cases of COMPAT §6.8 (reference "Calculations") for
tests/documents/test_calculation.py: how a case is written, and the cases about taxes (rates cut
to 2 decimals, priceGross through the gross factor, several taxes on a line, compound taxes,
reverse charge, one `_documentTaxes` entry per tax id or rate).

Each case: lines, decimal places, tax rounding mode, then the expected document total,
totalDiscount, totalWithTax, `_documentTaxes` as (rate, base, totalTax) and
`_documentReverseTaxes` likewise."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from spaceport.documents.calculation import Line, LineTax, TaxRounding

D = Decimal


def tax(
    rate: str, tax_id: str | None = None, compound: bool = False, reverse: bool = False
) -> LineTax:
    return LineTax(D(rate), tax_id, compound, reverse)


def line(
    quantity: str,
    price: str | None = None,
    *taxes: LineTax,
    gross: str | None = None,
    discount: str = "0",
    amount: bool = False,
) -> Line:
    return Line(
        quantity=D(quantity),
        price=D(price) if price is not None else None,
        price_gross=D(gross) if gross is not None else None,
        discount=D(discount),
        discount_is_amount=amount,
        taxes=taxes,
    )


@dataclass
class Case:
    name: str
    lines: list[Line]
    total: str
    total_discount: str
    total_with_tax: str
    taxes: list[tuple[str, str, str]]
    reverse: list[tuple[str, str, str]] | None = None
    places: int = 4
    mode: TaxRounding = "line"


T20, T21, T22, T23, T5 = tax("20"), tax("21"), tax("22"), tax("23"), tax("5")

TAX_CASES = [
    Case(
        "three-decimal rate 9.975 is cut to 9.97",
        [line("1", "100", tax("9.975"))],
        "100",
        "0",
        "109.97",
        [("9.97", "100", "9.97")],
    ),
    Case(
        "priceGross 121 at 21 %",
        [line("1", None, T21, gross="121")],
        "100",
        "0",
        "121",
        [("21", "100", "21")],
    ),
    Case(
        "priceGross 100 at 22 %",
        [line("1", None, T22, gross="100")],
        "81.97",
        "0",
        "100.00",
        [("22", "81.97", "18.03")],
    ),
    Case(
        "priceGross 10 at 9.5 %",
        [line("1", None, tax("9.5"), gross="10")],
        "9.13",
        "0",
        "10.00",
        [("9.5", "9.13", "0.87")],
    ),
    Case(
        "priceGross with 2 places",
        [line("1", None, T22, gross="100")],
        "81.97",
        "0",
        "100.00",
        [("22", "81.97", "18.03")],
        places=2,
    ),
    Case(
        "priceGross times 3",
        [line("3", None, T20, gross="19.99")],
        "49.97",
        "0",
        "59.96",
        [("20", "49.97", "9.99")],
    ),
    Case(
        "two taxes on one line",
        [line("1", "100", T20, T5)],
        "100",
        "0",
        "125",
        [("20", "100", "20"), ("5", "100", "5")],
    ),
    Case(
        "compound tax on top",
        [line("1", "100", tax("10"), tax("5", compound=True))],
        "100",
        "0",
        "115.50",
        [("10", "100", "10"), ("5", "110", "5.50")],
    ),
    Case(
        "compound with priceGross",
        [line("1", None, tax("10"), tax("5", compound=True), gross="115.50")],
        "100",
        "0",
        "115.50",
        [("10", "100", "10"), ("5", "110", "5.50")],
    ),
    Case(
        "reverse charge stays out of totals",
        [line("1", "100", tax("21", reverse=True))],
        "100",
        "0",
        "100",
        [],
        [("21", "100", "21")],
    ),
    Case(
        "reverse charge beside a charged tax",
        [line("1", "100", T20, tax("21", reverse=True))],
        "100",
        "0",
        "120",
        [("20", "100", "20")],
        [("21", "100", "21")],
    ),
    Case(
        "reverse charge left out of the gross factor",
        [line("1", None, T20, tax("21", reverse=True), gross="120")],
        "100",
        "0",
        "120",
        [("20", "100", "20")],
        [("21", "100", "21")],
    ),
    Case(
        "compound base leaves reverse charge out",
        [line("1", "100", tax("10", reverse=True), tax("5", compound=True))],
        "100",
        "0",
        "105",
        [("5", "100", "5")],
        [("10", "100", "10")],
    ),
    Case(
        "credit note with compound",
        [line("-1", "100", tax("10"), tax("5", compound=True))],
        "-100",
        "0",
        "-115.50",
        [("10", "-100", "-10"), ("5", "-110", "-5.50")],
    ),
    Case(
        "zero rate is still listed",
        [line("1", "100", tax("0"))],
        "100",
        "0",
        "100",
        [("0", "100", "0")],
    ),
    Case(
        "three rates",
        [line("1", "100", T20), line("1", "50", tax("10")), line("1", "20", tax("0"))],
        "170",
        "0",
        "195",
        [("20", "100", "20"), ("10", "50", "5"), ("0", "20", "0")],
    ),
    Case(
        "same rate, two tax ids",
        [line("1", "100", tax("20", "A")), line("1", "100", tax("20", "B"))],
        "200",
        "0",
        "240",
        [("20", "100", "20"), ("20", "100", "20")],
    ),
    Case(
        "same rate, no ids: one entry",
        [line("1", "100", T20), line("1", "100", T20)],
        "200",
        "0",
        "240",
        [("20", "200", "40")],
    ),
    Case(
        "compound, document mode",
        [line("1", "100", tax("10"), tax("5", compound=True))],
        "100",
        "0",
        "115.50",
        [("10", "100", "10"), ("5", "110", "5.50")],
        mode="document",
    ),
    Case(
        "priceGross 99.99 round trip",
        [line("1", None, T22, gross="99.99")],
        "81.96",
        "0",
        "99.99",
        [("22", "81.96", "18.03")],
    ),
    Case(
        "priceGross 0.99 round trip",
        [line("1", None, T21, gross="0.99")],
        "0.82",
        "0",
        "0.99",
        [("21", "0.82", "0.17")],
    ),
    Case(
        "priceGross 1.00 at 7 %",
        [line("1", None, tax("7"), gross="1.00")],
        "0.93",
        "0",
        "1.00",
        [("7", "0.93", "0.07")],
    ),
    Case(
        "priceGross 10 at 21 % times 3",
        [line("3", None, T21, gross="10")],
        "24.79",
        "0",
        "30.00",
        [("21", "24.79", "5.21")],
    ),
    Case(
        "credit note with priceGross",
        [line("-1", None, T21, gross="121")],
        "-100",
        "0",
        "-121",
        [("21", "-100", "-21")],
    ),
    Case(
        "priceGross with a discount",
        [line("1", None, T21, gross="121", discount="10")],
        "90",
        "10",
        "108.90",
        [("21", "90", "18.90")],
    ),
]
