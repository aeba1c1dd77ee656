"""Tax requests (reference "Taxes"; COMPAT §7.4)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from spaceport.kit.answers import Number
from spaceport.kit.schemas import ApiDate, ApiModel, Custom

Rate = Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)]
"""A percentage: negative rates and rates above 100 are refused (422)."""


class TaxRateIn(ApiModel):
    """One `_taxRates` entry as a caller gives it; `dateValidFrom` defaults to the epoch."""

    rate: Rate
    date_valid_from: ApiDate | None = None
    custom: Custom


class TaxCreate(ApiModel):
    name: str = Field(min_length=1)
    abbreviation: str | None = None
    classification: str | None = None
    tax_rates: list[TaxRateIn] = Field(alias="_taxRates", min_length=1)
    recoverable: bool = True
    compound: bool = False
    reverse_charged: bool = False
    custom: Custom


class TaxUpdate(ApiModel):
    """Every property optional: PUT and PATCH are partial updates (COMPAT §1.10)."""

    name: str | None = Field(default=None, min_length=1)
    abbreviation: str | None = None
    classification: str | None = None
    tax_rates: list[TaxRateIn] | None = Field(default=None, alias="_taxRates")
    recoverable: bool | None = None
    compound: bool | None = None
    reverse_charged: bool | None = None
    custom: dict[str, Any] | None = None


class TaxRate(BaseModel):
    """A `_taxRates` entry as answered (COMPAT §1.13)."""

    model_config = ConfigDict(extra="allow")

    id: str
    rate: Number
    dateValidFrom: str
    custom: dict[str, Any]
    createdAt: str
    updatedAt: str
