"""Parties: organizations and their units issue documents, clients receive them. They share
one set of address, tax and bank properties (reference "The Client object", "The Organization
object", COMPAT §7.6 Unit), declared here once for the tables and once for the requests."""

from __future__ import annotations

from pydantic import Field
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.schemas import ApiModel


class PartyColumns:
    """Table mixin: the columns every party has."""

    address: Mapped[str | None]
    address2: Mapped[str | None]
    city: Mapped[str | None]
    zip: Mapped[str | None]
    state: Mapped[str | None]
    country: Mapped[str | None]
    tax_number: Mapped[str | None]
    company_number: Mapped[str | None]
    iban: Mapped[str | None] = mapped_column(info={"api": "IBAN"})
    bank: Mapped[str | None]
    swift: Mapped[str | None] = mapped_column(info={"api": "SWIFT"})
    website: Mapped[str | None]
    email: Mapped[str | None]
    phone: Mapped[str | None]


class PartyFields(ApiModel):
    """Request mixin: the same properties, all optional."""

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
    phone: str | None = None
