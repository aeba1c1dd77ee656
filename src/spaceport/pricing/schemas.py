from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from spaceport.kit.schemas import Amount, ApiDateTime, ApiModel, Custom

PriceListType = Literal["sale", "purchase"]


def _end_of_day(value: Any) -> Any:
    """A date-only `activeTo` ("2026-03-31") includes that whole day (UTC)."""
    if isinstance(value, str) and len(value.strip()) == 10:
        value = date.fromisoformat(value.strip())
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time.max.replace(microsecond=999000), UTC)
    return value


class PriceListFields(ApiModel):
    active_from: ApiDateTime | None = None
    active_to: Annotated[ApiDateTime | None, BeforeValidator(_end_of_day)] = None
    client_id: str | None = None


class PriceListCreate(PriceListFields):
    name: str = Field(min_length=1)
    active: bool = True
    type: PriceListType = "sale"
    custom: Custom


class PriceListUpdate(PriceListFields):
    name: str | None = Field(default=None, min_length=1)
    active: bool | None = None
    type: PriceListType | None = None
    custom: dict[str, Any] | None = None


class PriceFields(ApiModel):
    price: Amount | None = None
    price_gross: Amount | None = None
    currency_id: str | None = None


class PriceCreate(PriceFields):
    item_id: str = Field(min_length=1)
    custom: Custom


class PriceUpdate(PriceFields):
    item_id: str | None = Field(default=None, min_length=1)
    custom: dict[str, Any] | None = None
