"""COMPAT §6.8, reference "Calculations": every case computed by hand from the rules.

The cases about amounts (cuts, half-up rounding, discounts, line and document tax rounding) are
here; how a case is written and the cases about taxes are in `calculation_cases.py`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spaceport.documents.calculation import Line, LineTax, calculate, calculate_line
from tests.documents.calculation_cases import (
    T5,
    T20,
    T21,
    T22,
    T23,
    TAX_CASES,
    Case,
    line,
    tax,
)

D = Decimal

CASES = [
    Case(
        "reference example 2 x 1000 at 21 %",
        [line("2", "1000", T21)],
        "2000",
        "0",
        "2420",
        [("21", "2000", "420")],
    ),
    Case(
        "half a cent rounds up: 10.10 at 5 %",
        [line("1", "10.10", T5)],
        "10.10",
        "0",
        "10.61",
        [("5", "10.10", "0.51")],
    ),
    Case(
        "credit note half cent away from zero",
        [line("-1", "10.10", T5)],
        "-10.10",
        "0",
        "-10.61",
        [("5", "-10.10", "-0.51")],
    ),
    Case(
        "negative price half cent",
        [line("1", "-10.10", T5)],
        "-10.10",
        "0",
        "-10.61",
        [("5", "-10.10", "-0.51")],
    ),
    Case(
        "50 x 241.67 at 20 % line mode",
        [line("1", "241.67", T20)] * 50,
        "12083.50",
        "0",
        "14500.00",
        [("20", "12083.50", "2416.50")],
    ),
    Case(
        "50 x 241.67 at 20 % document mode",
        [line("1", "241.67", T20)] * 50,
        "12083.50",
        "0",
        "14500.20",
        [("20", "12083.50", "2416.70")],
        mode="document",
    ),
    Case(
        "55.55 + 11.11 at 23 % line mode",
        [line("1", "55.55", T23), line("1", "11.11", T23)],
        "66.66",
        "0",
        "82.00",
        [("23", "66.66", "15.34")],
    ),
    Case(
        "55.55 + 11.11 at 23 % document mode",
        [line("1", "55.55", T23), line("1", "11.11", T23)],
        "66.66",
        "0",
        "81.99",
        [("23", "66.66", "15.33")],
        mode="document",
    ),
    Case(
        "percent discount before tax",
        [line("1", "100", T20, discount="10")],
        "90",
        "10",
        "108",
        [("20", "90", "18")],
    ),
    Case(
        "100 % discount",
        [line("1", "100", T20, discount="100")],
        "0",
        "100",
        "0",
        [("20", "0", "0")],
    ),
    Case(
        "zero discount, 3 x 33.33 at 22 %",
        [line("3", "33.33", T22)],
        "99.99",
        "0",
        "121.99",
        [("22", "99.99", "22.00")],
    ),
    Case(
        "amount discount for the whole line",
        [line("2", "50", tax("10"), discount="15", amount=True)],
        "85",
        "15",
        "93.5",
        [("10", "85", "8.5")],
    ),
    Case(
        "percent discount rounds to the cent",
        [line("1", "19.99", T22, discount="15")],
        "16.99",
        "3.00",
        "20.73",
        [("22", "16.99", "3.74")],
    ),
    Case("quantity cut to 4 places", [line("1.23456", "10")], "12.35", "0", "12.35", []),
    Case("price cut to 4 places", [line("3", "10.99999")], "33.00", "0", "33.00", []),
    Case("price cut to 2 places", [line("3", "10.999")], "32.97", "0", "32.97", [], places=2),
    Case("quantity cut to 2 places", [line("1.239", "10")], "12.30", "0", "12.30", [], places=2),
    Case(
        "many small lines, line mode",
        [line("1", "0.10", tax("25", "A"))] * 3,
        "0.30",
        "0",
        "0.39",
        [("25", "0.30", "0.09")],
    ),
    Case(
        "many small lines, document mode",
        [line("1", "0.10", tax("25", "A"))] * 3,
        "0.30",
        "0",
        "0.38",
        [("25", "0.30", "0.08")],
        mode="document",
    ),
    Case(
        "one cent at 50 %",
        [line("1", "0.01", tax("50"))],
        "0.01",
        "0",
        "0.02",
        [("50", "0.01", "0.01")],
    ),
    Case(
        "minus one cent at 50 %",
        [line("-1", "0.01", tax("50"))],
        "-0.01",
        "0",
        "-0.02",
        [("50", "-0.01", "-0.01")],
    ),
    Case("no taxes", [line("2", "12.5")], "25", "0", "25", []),
    Case("zero quantity", [line("0", "100", T20)], "0", "0", "0", [("20", "0", "0")]),
    Case("empty document", [], "0", "0", "0", []),
    Case(
        "amount discount cut then rounded",
        [line("1", "100", discount="10.12345", amount=True)],
        "89.88",
        "10.12",
        "89.88",
        [],
    ),
    Case(
        "amount discount above the base",
        [line("1", "10", T20, discount="15", amount=True)],
        "-5",
        "15",
        "-6",
        [("20", "-5", "-1")],
    ),
    Case(
        "percent discount cut to 2 decimals",
        [line("1", "100", T20, discount="12.345")],
        "87.66",
        "12.34",
        "105.19",
        [("20", "87.66", "17.53")],
    ),
    Case(
        "percent discount on a credit note",
        [line("-2", "50", T20, discount="10")],
        "-90",
        "-10",
        "-108",
        [("20", "-90", "-18")],
    ),
    Case(
        "French 5.5 %",
        [line("1", "9.99", tax("5.5"))],
        "9.99",
        "0",
        "10.54",
        [("5.5", "9.99", "0.55")],
    ),
    Case(
        "Swiss 8.1 %",
        [line("1", "49.90", tax("8.1"))],
        "49.90",
        "0",
        "53.94",
        [("8.1", "49.90", "4.04")],
    ),
    Case(
        "Finnish 25.5 %",
        [line("1", "10", tax("25.5"))],
        "10",
        "0",
        "12.55",
        [("25.5", "10", "2.55")],
    ),
    Case(
        "fractional quantity",
        [line("1.5", "33.33", T20)],
        "50.00",
        "0",
        "60.00",
        [("20", "50.00", "10.00")],
    ),
    Case("fractional quantity to a whole", [line("0.3333", "3")], "1.00", "0", "1.00", []),
    Case(
        "price with 4 decimals",
        [line("1000", "0.0123", T22)],
        "12.30",
        "0",
        "15.01",
        [("22", "12.30", "2.71")],
    ),
    Case(
        "large amounts",
        [line("1000000", "1234.5678", T20)],
        "1234567800",
        "0",
        "1481481360",
        [("20", "1234567800", "246913560")],
    ),
    Case(
        "mixed rates, document mode",
        [line("1", "55.55", T23), line("1", "11.11", T23), line("1", "10.10", T5)],
        "76.76",
        "0",
        "92.60",
        [("23", "66.66", "15.33"), ("5", "10.10", "0.51")],
        mode="document",
    ),
    Case(
        "mixed rates, line mode",
        [line("1", "55.55", T23), line("1", "11.11", T23), line("1", "10.10", T5)],
        "76.76",
        "0",
        "92.61",
        [("23", "66.66", "15.34"), ("5", "10.10", "0.51")],
    ),
    Case(
        "credit note, document mode",
        [line("-1", "55.55", T23), line("-1", "11.11", T23)],
        "-66.66",
        "0",
        "-81.99",
        [("23", "-66.66", "-15.33")],
        mode="document",
    ),
    Case("price below the cut", [line("1000", "0.00005")], "0", "0", "0", []),
    Case(
        "100 % as an amount", [line("1", "100", discount="100", amount=True)], "0", "100", "0", []
    ),
    Case("half a cent in the base rounds up", [line("1", "1.005")], "1.01", "0", "1.01", []),
    Case("minus half a cent in the base", [line("-1", "1.005")], "-1.01", "0", "-1.01", []),
    *TAX_CASES,
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_calculation(case: Case) -> None:
    result = calculate(case.lines, case.places, case.mode)
    assert result.total == D(case.total)
    assert result.total_discount == D(case.total_discount)
    assert result.total_with_tax == D(case.total_with_tax)
    assert [(s.tax, s.base, s.total_tax) for s in result.taxes] == [
        (D(r), D(b), D(t)) for r, b, t in case.taxes
    ]
    assert [(s.tax, s.base, s.total_tax) for s in result.reverse_taxes] == [
        (D(r), D(b), D(t)) for r, b, t in case.reverse or []
    ]


def test_there_are_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60


def test_line_values_of_the_reference_example() -> None:
    totals = calculate_line(line("2", "1000", T21))
    assert (totals.total, totals.total_tax, totals.total_with_tax, totals.total_discount) == (
        D(2000),
        D(420),
        D(2420),
        D(0),
    )


amounts = st.decimals(
    min_value=-10000, max_value=10000, places=4, allow_nan=False, allow_infinity=False
)
rates = st.sampled_from(
    [D(r) for r in ("0", "5", "5.5", "9.5", "12", "20", "21", "22", "23", "25.5")]
)
random_lines = st.lists(
    st.builds(
        Line,
        quantity=st.decimals(
            min_value=-100, max_value=100, places=3, allow_nan=False, allow_infinity=False
        ),
        price=amounts,
        discount=st.decimals(
            min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False
        ),
        taxes=st.lists(st.builds(LineTax, rate=rates), max_size=2, unique_by=lambda t: t.rate),
    ),
    max_size=12,
)


def cents(value: Decimal) -> bool:
    return value == value.quantize(D("0.01"))


@settings(max_examples=300, deadline=None)
@given(random_lines)
def test_totals_are_consistent(lines: list[Line]) -> None:
    """totalWithTax = total + Σ _documentTaxes.totalTax, at most 2 decimals everywhere, and the
    document mode stays within a cent per line of the line mode."""
    by_line = calculate(lines)
    by_document = calculate(lines, tax_rounding="document")
    for result in (by_line, by_document):
        assert result.total_with_tax == result.total + sum(
            (s.total_tax for s in result.taxes), D(0)
        )
        values = [result.total, result.total_with_tax, result.total_discount]
        values += [s.total_tax for s in result.taxes] + [s.base for s in result.taxes]
        values += [v for ln in result.lines for v in (ln.total, ln.total_tax, ln.total_with_tax)]
        assert all(cents(v) for v in values)
    assert abs(by_line.total_with_tax - by_document.total_with_tax) <= D("0.01") * max(
        len(lines), 1
    )
