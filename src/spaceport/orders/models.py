"""Orders: sales orders posted by shops, turned into invoices or estimates (COMPAT §7.6)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.answers import Embedded, Number
from spaceport.kit.db import Model, SoftDeleted


class OrderLine(Embedded):
    """An `_items` entry as stored: the shop's `OrderItem` (orders.schemas), the properties it
    sent (COMPAT §7.6)."""

    name: str
    SKU: str
    quantity: Number
    price: Number
    priceGross: Number
    discount: Number
    taxRate: Number


class Order(Model, SoftDeleted):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_organization_date", "organization_id", "date"),)

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    status: Mapped[str | None]
    date: Mapped[datetime]
    order_id: Mapped[str | None]  # the shop's own id of the order
    number: Mapped[str | None]
    currency_id: Mapped[str | None] = mapped_column(String(8))
    locale: Mapped[str | None] = mapped_column(String(16))
    payment_type: Mapped[str | None]
    paid: Mapped[bool] = mapped_column(default=False)
    paid_at: Mapped[datetime | None]
    fulfilled: Mapped[bool] = mapped_column(default=False)
    fulfilled_at: Mapped[datetime | None]
    cancelled: Mapped[bool] = mapped_column(default=False)
    cancelled_at: Mapped[datetime | None]
    expected_total_with_tax: Mapped[Decimal | None]
    billing_address: Mapped[dict[str, Any]] = mapped_column(
        default=dict, info={"api": "_billingAddress"}
    )
    shipping_address: Mapped[dict[str, Any]] = mapped_column(
        default=dict, info={"api": "_shippingAddress"}
    )
    items: Mapped[list[Any]] = mapped_column(
        default=list, info={"api": "_items", "json_array": True, "answer": list[OrderLine]}
    )
    invoice_id: Mapped[str | None] = mapped_column(String(24))
    estimate_id: Mapped[str | None] = mapped_column(String(24))
