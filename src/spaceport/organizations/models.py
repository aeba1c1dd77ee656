"""Organizations: the legal entities that issue documents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model, utcnow


class Organization(Model):
    __tablename__ = "organizations"

    name: Mapped[str]
    address: Mapped[str | None]
    address2: Mapped[str | None]
    city: Mapped[str | None]
    zip: Mapped[str | None]
    state: Mapped[str | None]
    country: Mapped[str | None]
    country_alpha2_code: Mapped[str | None] = mapped_column(String(2))
    tax_number: Mapped[str | None]
    tax_subject: Mapped[bool] = mapped_column(default=True)
    company_number: Mapped[str | None]
    iban: Mapped[str | None] = mapped_column(info={"api": "IBAN"})
    bank: Mapped[str | None]
    swift: Mapped[str | None] = mapped_column(info={"api": "SWIFT"})
    website: Mapped[str | None]
    email: Mapped[str | None]
    phone: Mapped[str | None]
    locale: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    size: Mapped[str | None]
    industry: Mapped[str | None]
    active: Mapped[bool] = mapped_column(default=True)
    activated_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    deactivated_at: Mapped[datetime | None]
