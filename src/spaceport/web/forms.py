"""What the web app's forms share (WEB §W1.4, §W8): the words of a missing or unreadable value,
an amount as typed, and the API's 422 messages by property."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from spaceport.kit.errors import ValidationFailed

REQUIRED = "This field is required."
NOT_A_NUMBER = "Enter a number."


def messages_of(failed: ValidationFailed) -> dict[str, list[str]]:
    """The API's 422 messages by property: those of the form's fields are shown at them, the
    others in the form's alert (`form_fields.html`)."""
    found: dict[str, list[str]] = (failed.details or {}).get("messages", {})
    return found


def decimal_of(text: str) -> Decimal | None:
    """WEB §W1.4: an amount typed with a decimal dot or comma; None when it is no number."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
