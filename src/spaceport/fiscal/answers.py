"""A fiscalized document's `_furs` as answered (FISCAL §S13), for the OpenAPI document
(COMPAT §1.13): `issuing.furs_answer` and `issuing.SKIPPED` write every property."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class FursError(BaseModel):
    """FISCAL §S13: why FURS refused the document (`status: "failed"`)."""

    code: str | None
    message: str | None


class Furs(BaseModel):
    """FISCAL §S13: `_furs` of a document fiscal verification applies to (null otherwise)."""

    businessPremiseId: str | None
    electronicDeviceId: str | None
    operatorTaxNumber: str | None
    zoi: str | None
    eor: str | None
    qr: str | None
    status: Literal["verified", "pending", "failed", "skipped"]
    env: str | None
    messageId: str | None
    verifiedAt: datetime | None
    error: FursError | None
