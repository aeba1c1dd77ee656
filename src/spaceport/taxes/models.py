"""Taxes with dated rates (COMPAT §7.4)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model, SoftDeleted


class Tax(Model, SoftDeleted):
    __tablename__ = "taxes"
    __table_args__ = (Index("ix_taxes_organization", "organization_id"),)

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    name: Mapped[str]
    abbreviation: Mapped[str | None]
    classification: Mapped[str | None]
    # [{id, rate, dateValidFrom, custom, createdAt, updatedAt}], most recent dateValidFrom first
    tax_rates: Mapped[list[Any]] = mapped_column(
        default=list, info={"api": "_taxRates", "json_array": True}
    )
    recoverable: Mapped[bool] = mapped_column(default=True)
    compound: Mapped[bool] = mapped_column(default=False)
    reverse_charged: Mapped[bool] = mapped_column(default=False)
