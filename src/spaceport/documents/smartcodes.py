"""Smart codes (reference "Smart codes"; COMPAT §6.10): stored as written, replaced on read,
in PDFs and in email subjects and messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# smart code → key of the document's issuer snapshot (reference "Your organization")
ISSUER_CODES = {
    "organization name": "name",
    "iban": "IBAN",
    "swift": "SWIFT",
    "bank": "bank",
    "address": "address",
    "address2": "address2",
    "zip": "zip",
    "city": "city",
    "country": "country",
    "tax number": "taxNumber",
    "company number": "companyNumber",
}
SMART_CODE = re.compile(r"\[([a-zA-Z0-9 ]+)\]")
SMART_FIELDS = ("note", "signature", "footer")


def parse(text: str | None, document: Mapping[str, Any]) -> str | None:
    """`text` with every known smart code replaced; unknown bracketed words stay as written."""
    if not text:
        return text
    issuer: Mapping[str, Any] = document.get("_documentIssuer") or {}

    def replace(match: re.Match[str]) -> str:
        code = match.group(1).strip().lower()
        if code == "document number":
            return str(document.get("number") or "")
        if code in ISSUER_CODES:
            value = issuer.get(ISSUER_CODES[code])
            return "" if value is None else str(value)
        return match.group(0)

    return SMART_CODE.sub(replace, text)


def parse_fields(answer: dict[str, Any]) -> dict[str, Any]:
    """The API answer of a document with note, signature and footer parsed."""
    for name in SMART_FIELDS:
        if name in answer:
            answer[name] = parse(answer[name], answer)
    return answer
