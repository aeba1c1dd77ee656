"""Units: an organization's business units, each an issuer of documents (COMPAT §7.6)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model, SoftDeleted
from spaceport.parties import PartyColumns


class Unit(PartyColumns, Model, SoftDeleted):
    __tablename__ = "units"
    __table_args__ = (Index("ix_units_organization", "organization_id"),)

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    name: Mapped[str]
    country_alpha2_code: Mapped[str | None] = mapped_column(String(2))
    # an issuer, like the organization it belongs to: subject to tax unless told otherwise
    tax_subject: Mapped[bool] = mapped_column(default=True)
    business_type: Mapped[str | None]
