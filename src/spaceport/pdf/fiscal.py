"""What a fiscalized document's PDF adds (FISCAL §S15.1): the issue time, the operator's name,
`ZOI: <hex>`, `EOR: <uuid>` once known, and below them the printed code of FISCAL §S11 as a QR
code (numeric, error correction M, at least 12 × 12 mm, a 4-module quiet zone), its 60 digits
printed under it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import segno

LJUBLJANA = ZoneInfo("Europe/Ljubljana")

QR_WIDTH_MM = 24  # FISCAL §S11: at least 12 × 12 mm


def fiscal_qr(digits: str) -> str:
    """FISCAL §S11: numeric mode, error correction M, a 4-module quiet zone."""
    code = segno.make_qr(digits, error="m", mode="numeric", boost_error=False)
    return str(code.svg_inline(scale=4, border=4))


def issue_time(issued: Any) -> str:
    """The document's `date` (an ISO answer or a datetime) in Ljubljana, `dd.MM.yyyy HH:mm:ss`."""
    moment = issued if isinstance(issued, datetime) else None
    if isinstance(issued, str) and issued:
        moment = datetime.fromisoformat(issued.replace("Z", "+00:00"))
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LJUBLJANA).strftime("%d.%m.%Y %H:%M:%S")


def fiscal_view(fiscal: dict[str, Any] | None, issued: Any) -> dict[str, Any] | None:
    """The template's fiscal block from `Source.fiscal` (`_furs` and the operator's name);
    `issued` the document's `date`."""
    if not fiscal or fiscal.get("status") in (None, "skipped") or not fiscal.get("zoi"):
        return None
    lines = [issue_time(issued), str(fiscal.get("operatorName") or ""), f"ZOI: {fiscal['zoi']}"]
    if fiscal.get("eor"):
        lines.append(f"EOR: {fiscal['eor']}")
    qr = str(fiscal.get("qr") or "")
    return {"lines": [line for line in lines if line], "qr": fiscal_qr(qr), "digits": qr}
