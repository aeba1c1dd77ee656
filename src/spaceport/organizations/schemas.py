from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from spaceport.kit.schemas import Custom
from spaceport.parties import PartyFields


class OrganizationFields(PartyFields):
    tax_subject: bool | None = None
    locale: str | None = None
    timezone: str | None = None
    size: str | None = None
    industry: str | None = None

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str | None) -> str | None:
        return value.strip().lower() if value else value


class OrganizationCreate(OrganizationFields):
    name: str = Field(min_length=1)
    # "country any required" in the reference: free text, matched but never rejected (COMPAT §7.1)
    country: Any
    custom: Custom


class OrganizationUpdate(OrganizationFields):
    name: str | None = Field(default=None, min_length=1)
    country: Any = None
    custom: dict[str, Any] | None = None
