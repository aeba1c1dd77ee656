"""The filters of flow templates (flows/formats.py): exact decimal arithmetic and the custom
formats money, number, date_format and json, through templates as a flow writes them
(FLOWS §F5.4, FLOWS §F5.5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from spaceport.flows.formats import Formats
from spaceport.flows.templates import TemplateError, render

BRUSSELS = Formats(currency="EUR", locale="sl", timezone="Europe/Brussels")
CONTEXT: dict[str, Any] = {
    "trigger": {
        "data": {
            "total": 1234.5,
            "date": "2026-03-04",
            "at": "2026-03-04T10:00:00Z",
            "summer": "2026-07-01T10:00:00.000Z",
            "tags": ["a", "č"],
            "cleared": "",
        }
    }
}


def rendered(source: str, formats: Formats = BRUSSELS) -> Any:
    return render(source, CONTEXT, formats)


# -- FLOWS §F5.4: exact decimals --------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("{{ 0.1 | plus: 0.2 }}", Decimal("0.3")),
        ("{{ 0.3 | minus: 0.1 }}", Decimal("0.2")),
        ("{{ 1.1 | times: 3 }}", Decimal("3.3")),
        ("{{ 1 | divided_by: 8.0 }}", Decimal("0.125")),
        ("{{ 7 | divided_by: 2 }}", 3),
        ("{{ 7 | modulo: 2.5 }}", Decimal("2.0")),
        ("{{ 2 | plus: 3 }}", 5),
        ("{{ '0.1' | plus: '0.2' }}", Decimal("0.3")),
        ("{{ 'abc' | plus: 1 }}", 1),
        ("{{ -1.5 | abs }}", Decimal("1.5")),
        ("{{ 1.2 | ceil }}", 2),
        ("{{ 1.8 | floor }}", 1),
        ("{{ 2.5 | round }}", 3),
        ("{{ 1.005 | round: 2 }}", Decimal("1.01")),
        ("{{ 5 | at_least: 7.5 }}", Decimal("7.5")),
        ("{{ 5 | at_most: 1 }}", 1),
    ],
)
def test_math_filters_compute_exactly(source: str, value: Any) -> None:
    result = rendered(source)
    assert result == value
    assert type(result) is type(value)


def test_dividing_by_zero_fails() -> None:
    with pytest.raises(TemplateError, match="can't divide by 0"):
        rendered("{{ 1.5 | modulo: 0 }}")


# -- FLOWS §F5.5: money ------------------------------------------------------------------------
def test_money_formats_by_babel_with_its_no_break_space() -> None:
    assert rendered('{{ trigger.data.total | money: "EUR", "sl" }}') == "1.234,50\xa0€"
    assert rendered('{{ trigger.data.total | money: "USD", "en" }}') == "$1,234.50"


def test_money_defaults_to_the_organization_currency_and_locale() -> None:
    assert rendered("{{ trigger.data.total | money }}") == "1.234,50\xa0€"
    english = Formats(currency="GBP", locale="en", timezone="UTC")
    assert rendered("{{ trigger.data.total | money }}", english) == "£1,234.50"


def test_money_rounds_half_up_to_the_currency_digits() -> None:
    assert rendered('{{ 2.345 | money: "EUR", "en" }}') == "€2.35"
    assert rendered('{{ 2.5 | money: "JPY", "en" }}') == "¥3"


def test_money_without_any_currency_fails() -> None:
    with pytest.raises(TemplateError, match="no default currencyId"):
        rendered("{{ 1 | money }}", Formats())


def test_money_with_an_unknown_locale_fails() -> None:
    with pytest.raises(TemplateError, match="not a known locale"):
        rendered('{{ 1 | money: "EUR", "xx-nowhere" }}')


# -- FLOWS §F5.5: number -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("{{ trigger.data.total | number: 2 }}", "1234.50"),
        ('{{ trigger.data.total | number: 2, "sl" }}', "1.234,50"),
        ('{{ trigger.data.total | number: 0, "en" }}', "1,235"),
        ("{{ 2.345 | number: 2 }}", "2.35"),
        ("{{ -2.345 | number: 2 }}", "-2.35"),
        ("{{ 7 | number: 3 }}", "7.000"),
    ],
)
def test_number_rounds_half_up_and_groups_by_the_locale(source: str, text: str) -> None:
    assert rendered(source) == text


def test_number_refuses_absurd_places() -> None:
    with pytest.raises(TemplateError, match="decimal places"):
        rendered("{{ 1 | number: 1000000 }}")


# -- FLOWS §F5.5: date_format ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "text"),
    [
        ('{{ trigger.data.at | date_format: "%d.%m.%Y %H:%M" }}', "04.03.2026 11:00"),
        ('{{ trigger.data.summer | date_format: "%H:%M" }}', "12:00"),
        ('{{ trigger.data.date | date_format: "%d.%m.%Y" }}', "04.03.2026"),
        ('{{ trigger.data.cleared | date_format: "%d.%m.%Y" }}', ""),
        ('{{ trigger.data.missing | date_format: "%d.%m.%Y" }}', ""),
    ],
)
def test_date_format_shows_datetimes_in_the_organization_timezone(source: str, text: str) -> None:
    assert rendered(source) == text


def test_date_format_fails_on_what_is_not_a_date() -> None:
    with pytest.raises(TemplateError, match="is not an ISO date or datetime"):
        rendered('{{ trigger.data.tags | date_format: "%d" }}')
    with pytest.raises(TemplateError, match="is not an ISO date or datetime"):
        rendered('{{ "next tuesday" | date_format: "%d" }}')


# -- FLOWS §F5.5: json and the standard filters ------------------------------------------------
def test_json_is_compact_and_keeps_non_ascii() -> None:
    assert rendered("{{ trigger.data.tags | json }}") == '["a","č"]'
    assert rendered("{{ trigger.data.total | json }}") == "1234.5"
    assert rendered("{{ trigger.data.missing | json }}") == "null"


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("{{ 'ana' | upcase }}", "ANA"),
        ("{{ trigger.data.missing | default: 'none' }}", "none"),
        ("{{ trigger.data.tags | join: '+' }}", "a+č"),
        ("{{ trigger.data.tags | size }}", 2),
        ("{{ trigger.data.date | date: '%Y' }}", "2026"),
    ],
)
def test_the_standard_filters_are_there(source: str, value: Any) -> None:
    assert rendered(source) == value
