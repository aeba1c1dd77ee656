from __future__ import annotations

from typing import Any, Literal

from spaceport.kit.schemas import Amount, ApiDate, ApiModel

PaymentType = Literal["bank", "online", "paypal", "cash", "card", "crypto", "coupon", "other"]


class PaymentCreate(ApiModel):
    type: PaymentType
    amount: Amount | None = None  # the document's totalDue when absent (COMPAT §6.9)
    date: ApiDate | None = None  # today when absent
    description: str | None = None
    document_id: str | None = None  # for POST /organizations/:id/payments
    custom: dict[str, Any] | None = None


class PaymentUpdate(ApiModel):
    type: PaymentType | None = None
    amount: Amount | None = None
    date: ApiDate | None = None
    description: str | None = None
    custom: dict[str, Any] | None = None
