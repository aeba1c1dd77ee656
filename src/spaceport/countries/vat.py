"""VAT series: `data/vat_rates.json`, a dated table of VAT/GST rates (its `_source` and `_format`
notes say where the rates come from and how a rate change is represented), parsed and checked
once; the rates in force on a day, and each tax line with all its dated rates."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Final

from spaceport.countries.days import today
from spaceport.kit.json import format_decimal


@dataclass(frozen=True, slots=True)
class TaxSpec:
    """One tax rate in force on a given day."""

    name: str
    abbreviation: str
    classification: str
    rate: Decimal


@dataclass(frozen=True, slots=True)
class TaxSeries:
    """One tax line (e.g. a country's standard VAT rate) with all its dated rates, oldest
    first: each `(valid_from, rate)` applies until the next one starts. `valid_to` is the last
    day of an abolished line (e.g. Czech reduced 10 % until 2023-12-31), None while in force."""

    name: str
    abbreviation: str
    classification: str
    rates: tuple[tuple[date, Decimal], ...]
    valid_to: date | None = None


@dataclass(frozen=True, slots=True)
class _RateEntry:
    """One line of `vat_rates.json`: a rate of one series over [valid_from, valid_to]."""

    series: str
    name: str
    abbreviation: str
    classification: str
    rate: Decimal
    valid_from: date
    valid_to: date | None

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


# Order of tax lines in every answer: the standard rate first, as in the reference's examples.
_CLASSIFICATION_ORDER: Final = ("standard", "reduced", "super-reduced", "zero", "state")


def _tax_order(classification: str, rate: Decimal) -> tuple[int, Decimal]:
    try:
        rank = _CLASSIFICATION_ORDER.index(classification)
    except ValueError:
        rank = len(_CLASSIFICATION_ORDER)
    return rank, -rate


def _parse_rate(text: Any, where: str) -> Decimal:
    try:
        rate = Decimal(str(text))
    except InvalidOperation as exc:
        raise ValueError(f"{where}: rate {text!r} is not a decimal") from exc
    if not rate.is_finite() or rate < 0 or format_decimal(rate) != text:
        raise ValueError(f"{where}: rate {text!r} must be a plain, non-negative decimal string")
    return rate


def _default_series(classification: str, rate: str) -> str:
    # See the `_format` note of vat_rates.json: one standard rate at a time, so every standard
    # entry continues the same line; other lines are told apart by their rate unless named.
    return classification if classification == "standard" else f"{classification} {rate}"


def _parse_entry(code: str, country: dict[str, Any], raw: dict[str, Any]) -> _RateEntry:
    where = f"vat_rates.json {code} {raw.get('rate')!r}"
    valid_to = raw.get("validTo")
    entry = _RateEntry(
        series=raw.get("series") or _default_series(raw["classification"], raw["rate"]),
        name=raw.get("name", country["name"]),
        abbreviation=raw.get("abbreviation", country["abbreviation"]),
        classification=raw["classification"],
        rate=_parse_rate(raw["rate"], where),
        valid_from=date.fromisoformat(raw["validFrom"]),
        valid_to=date.fromisoformat(valid_to) if valid_to else None,
    )
    if entry.valid_to is not None and entry.valid_to < entry.valid_from:
        raise ValueError(f"{where}: validTo is before validFrom")
    return entry


def _series_key(entry: _RateEntry) -> tuple[str, str]:
    return entry.abbreviation, entry.series


def _group_series(entries: Iterable[_RateEntry]) -> list[list[_RateEntry]]:
    groups: dict[tuple[str, str], list[_RateEntry]] = {}
    for entry in entries:
        groups.setdefault(_series_key(entry), []).append(entry)
    return [sorted(group, key=lambda e: e.valid_from) for group in groups.values()]


def _check_series(code: str, series: list[_RateEntry]) -> None:
    """A series is a chain of back-to-back periods of one classification; only the last
    period may be open-ended."""
    for earlier, later in zip(series, series[1:], strict=False):
        where = f"vat_rates.json {code} series {earlier.series!r}"
        if earlier.valid_to is None or later.valid_from != earlier.valid_to + timedelta(days=1):
            raise ValueError(f"{where}: {later.valid_from} does not follow {earlier.valid_to}")
        if later.classification != earlier.classification:
            raise ValueError(f"{where}: classification changes within the series")


@cache
def _vat_table() -> dict[str, tuple[_RateEntry, ...]]:
    """vat_rates.json, parsed and checked once: alpha-2 code -> its rate entries."""
    text = resources.files("spaceport.countries").joinpath("data/vat_rates.json").read_text("utf-8")
    table: dict[str, tuple[_RateEntry, ...]] = {}
    for code, country in json.loads(text).items():
        if code.startswith("_"):  # _source, _format, ... notes
            continue
        entries = tuple(_parse_entry(code, country, raw) for raw in country["rates"])
        for series in _group_series(entries):
            _check_series(code, series)
        table[code] = entries
    return table


def _entries(alpha2: str) -> tuple[_RateEntry, ...]:
    return _vat_table().get(alpha2.strip().upper(), ())


def country_taxes(alpha2: str, on: date) -> list[TaxSpec]:
    """The rates in force in the country on `on`, standard first; [] when unknown."""
    specs: list[TaxSpec] = []
    for entry in _entries(alpha2):
        spec = TaxSpec(entry.name, entry.abbreviation, entry.classification, entry.rate)
        if entry.in_force(on) and spec not in specs:
            specs.append(spec)
    return sorted(specs, key=lambda s: _tax_order(s.classification, s.rate))


@lru_cache(maxsize=512)
def _tax_history(alpha2: str) -> tuple[TaxSeries, ...]:
    series = []
    for group in _group_series(_entries(alpha2)):
        last = group[-1]
        rates = tuple((entry.valid_from, entry.rate) for entry in group)
        series.append(
            TaxSeries(last.name, last.abbreviation, last.classification, rates, last.valid_to)
        )
    return tuple(sorted(series, key=lambda s: _tax_order(s.classification, s.rates[-1][1])))


def country_tax_history(alpha2: str, *, include_ended: bool = False) -> list[TaxSeries]:
    """Each tax line of the country with its dated rates, so that an organization's tax gets
    every `_taxRates` entry and documents dated before a change keep the old rate.

    Lines abolished before today (temporary rates, merged rates) are left out unless
    `include_ended`; [] when the country's taxes are unknown."""
    on = today()
    return [
        series
        for series in _tax_history(alpha2.strip().upper())
        if include_ended or series.valid_to is None or series.valid_to >= on
    ]
