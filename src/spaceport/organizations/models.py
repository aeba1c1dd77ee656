"""Organizations: the legal entities that issue documents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model, utcnow
from spaceport.parties import PartyColumns


class Organization(PartyColumns, Model):
    __tablename__ = "organizations"

    name: Mapped[str]
    country_alpha2_code: Mapped[str | None] = mapped_column(String(2))
    tax_subject: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    size: Mapped[str | None]
    industry: Mapped[str | None]
    active: Mapped[bool] = mapped_column(default=True)
    activated_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    deactivated_at: Mapped[datetime | None]
