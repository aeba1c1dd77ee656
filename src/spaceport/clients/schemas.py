from __future__ import annotations

from typing import Any

from pydantic import Field

from spaceport.kit.schemas import Custom
from spaceport.parties import PartyFields


class ClientFields(PartyFields):
    contact: str | None = None


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
