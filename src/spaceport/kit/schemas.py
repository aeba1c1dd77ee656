"""Request schemas: camelCase property names, lax coercion of form strings, unknown
properties ignored (COMPAT §1.2), dates that accept what clients send (COMPAT §1.5), and the
bounds of `kit.bounds` on amounts, integers and dates (COMPAT §2.2: 500 never on bad input)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from spaceport.kit import bounds
from spaceport.kit.money import cut


class ApiModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        str_strip_whitespace=False,
    )

    @field_validator("*", mode="after")
    @classmethod
    def _integers_within_64_bits(cls, value: Any) -> Any:
        """Integers within 64 bits, whatever property holds them (kit.bounds)."""
        if isinstance(value, int) and not isinstance(value, bool):
            if not bounds.INT_MIN <= value <= bounds.INT_MAX:
                raise ValueError("must be an integer within 64 bits")
        return value

    def given(self) -> dict[str, Any]:
        """Only the properties the caller sent, by attribute name (partial update, COMPAT §1.10)."""
        return {name: getattr(self, name) for name in self.model_fields_set}

    def given_with_defaults(self) -> dict[str, Any]:
        """Every declared property, the caller's or its default (create)."""
        return {name: getattr(self, name) for name in type(self).model_fields}


def _parse_datetime(value: Any) -> Any:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), UTC)
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), UTC)
        if text.endswith("Z"):
            # "…Z" and the 004 reference's "…+00:00Z" both mean UTC
            text = text[:-1] if text[-7:-1] == "+00:00" else text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


def _parse_date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and len(value.strip()) > 10:
        return _parse_datetime(value).date()
    return value


def _in_date_range(value: date) -> date:
    if not bounds.date_in_range(value):
        raise ValueError(bounds.DATE_MESSAGE)
    return value


def _in_amount_range(value: Decimal) -> Decimal:
    """Finite, below the limit, cut to the decimals a `Money` column holds (kit.bounds);
    COMPAT §6.8 cuts further to `decimalPlaces`, which is never more."""
    if not bounds.amount_in_range(value):
        raise ValueError(bounds.AMOUNT_MESSAGE)
    return cut(value, bounds.AMOUNT_DECIMALS)


ApiDateTime = Annotated[datetime, BeforeValidator(_parse_datetime), AfterValidator(_in_date_range)]
"""A timestamp: date-only means midnight UTC; a time without zone is UTC."""
ApiDate = Annotated[date, BeforeValidator(_parse_date), AfterValidator(_in_date_range)]
"""A calendar date: a full timestamp keeps its date part."""
Amount = Annotated[
    Decimal,
    Field(allow_inf_nan=False, gt=-bounds.AMOUNT_LIMIT, lt=bounds.AMOUNT_LIMIT),
    AfterValidator(_in_amount_range),
]
"""Money or a quantity: a Decimal, never a float (COMPAT §1.6), within kit.bounds."""
Custom = Annotated[dict[str, Any], Field(default_factory=dict)]
