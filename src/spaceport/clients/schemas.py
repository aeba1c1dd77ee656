from __future__ import annotations

from typing import Any

from pydantic import Field

from spaceport.kit.schemas import ApiModel, Custom


class ClientFields(ApiModel):
    address: str | None = None
    address2: str | None = None
    city: str | None = None
    zip: str | None = None
    state: str | None = None
    country: str | None = None
    tax_number: str | None = None
    company_number: str | None = None
    iban: str | None = Field(default=None, alias="IBAN")
    bank: str | None = None
    swift: str | None = Field(default=None, alias="SWIFT")
    website: str | None = None
    email: str | None = None
    contact: str | None = None
    phone: str | None = None


class ClientCreate(ClientFields):
    name: str = Field(min_length=1)
    tax_subject: bool = False
    is_end_customer: bool = False
    custom: Custom


class ClientUpdate(ClientFields):
    name: str | None = Field(default=None, min_length=1)
    tax_subject: bool | None = None
    is_end_customer: bool | None = None
    custom: dict[str, Any] | None = None
