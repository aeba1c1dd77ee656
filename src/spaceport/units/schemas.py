from __future__ import annotations

from typing import Any

from pydantic import Field

from spaceport.kit.schemas import Custom
from spaceport.parties import PartyFields


class UnitFields(PartyFields):
    country_alpha2_code: str | None = None
    business_type: str | None = None


class UnitCreate(UnitFields):
    name: str = Field(min_length=1)
    tax_subject: bool = True
    custom: Custom


class UnitUpdate(UnitFields):
    name: str | None = Field(default=None, min_length=1)
    tax_subject: bool | None = None
    custom: dict[str, Any] | None = None
