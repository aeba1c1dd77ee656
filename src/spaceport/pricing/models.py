"""Price lists and their prices (COMPAT §7.6)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Model, SoftDeleted


class PriceList(Model, SoftDeleted):
    __tablename__ = "price_lists"
    __table_args__ = (
        Index("ix_price_lists_organization", "organization_id"),
        Index("ix_price_lists_client", "client_id"),
    )

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    name: Mapped[str]
    active: Mapped[bool] = mapped_column(default=True)
    active_from: Mapped[datetime | None]
    active_to: Mapped[datetime | None]
    type: Mapped[str] = mapped_column(String(16), default="sale")
    client_id: Mapped[str | None] = mapped_column(String(24), ForeignKey("clients.id"))


class Price(Model, SoftDeleted):
    __tablename__ = "prices"
    __table_args__ = (
        Index("ix_prices_organization", "organization_id"),
        Index("ix_prices_price_list_item", "price_list_id", "item_id"),
    )

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    price_list_id: Mapped[str] = mapped_column(String(24), ForeignKey("price_lists.id"))
    # no foreign key: items are another domain's table, checked by the service when present
    item_id: Mapped[str] = mapped_column(String(24))
    price: Mapped[Decimal | None]
    price_gross: Mapped[Decimal | None]
    currency_id: Mapped[str] = mapped_column(String(8))
