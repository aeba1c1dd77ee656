"""Units: an organization's business units, each an issuer of documents (COMPAT §7.6)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model, SoftDeleted


class Unit(Model, SoftDeleted):
    __tablename__ = "units"
    __table_args__ = (Index("ix_units_organization", "organization_id"),)

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    name: Mapped[str]
    address: Mapped[str | None]
    address2: Mapped[str | None]
    city: Mapped[str | None]
    zip: Mapped[str | None]
    state: Mapped[str | None]
    country: Mapped[str | None]
    country_alpha2_code: Mapped[str | None] = mapped_column(String(2))
    tax_number: Mapped[str | None]
    # an issuer, like the organization it belongs to: subject to tax unless told otherwise
    tax_subject: Mapped[bool] = mapped_column(default=True)
    company_number: Mapped[str | None]
    iban: Mapped[str | None] = mapped_column(info={"api": "IBAN"})
    bank: Mapped[str | None]
    swift: Mapped[str | None] = mapped_column(info={"api": "SWIFT"})
    website: Mapped[str | None]
    email: Mapped[str | None]
    phone: Mapped[str | None]
    business_type: Mapped[str | None]
