from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from spaceport.kit.schemas import ApiModel, Custom


class OrganizationFields(ApiModel):
    address: str | None = None
    address2: str | None = None
    city: str | None = None
    zip: str | None = None
    state: str | None = None
    tax_number: str | None = None
    tax_subject: bool | None = None
    company_number: str | None = None
    iban: str | None = Field(default=None, alias="IBAN")
    bank: str | None = None
    swift: str | None = Field(default=None, alias="SWIFT")
    website: str | None = None
    email: str | None = None
    phone: str | None = None
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
    # "country any required" in the reference: free text, matched but never rejected (§7.1)
    country: Any
    custom: Custom


class OrganizationUpdate(OrganizationFields):
    name: str | None = Field(default=None, min_length=1)
    country: Any = None
    custom: dict[str, Any] | None = None
