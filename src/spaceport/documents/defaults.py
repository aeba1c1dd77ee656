"""The organization's Defaults a document use case needs, read once into a typed value
(COMPAT §7.2 names them; COMPAT §6.3, COMPAT §6.8, COMPAT §6.10 and COMPAT §6.12 say what each one
does)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from spaceport.defaults import service as defaults
from spaceport.documents.calculation import TaxRounding
from spaceport.documents.models import TYPES

DEFAULT_DUE_DAYS = 30  # COMPAT §6.3
DEFAULT_VALID_DAYS = 30
DEFAULT_CURRENCY = "EUR"
DEFAULT_TEMPLATE = "modern"
TEXTS = ("note", "signature", "footer")


@dataclass(frozen=True)
class DocumentDefaults:
    currency_id: str = DEFAULT_CURRENCY  # `currencyId`: the organization's own currency
    tax_rounding: TaxRounding = "line"  # `tax_rounding` (COMPAT §6.8)
    invoice_due_days: int = DEFAULT_DUE_DAYS  # `invoice_dueDays` (COMPAT §6.3)
    estimate_valid_days: int = DEFAULT_VALID_DAYS  # `estimate_validTillDays`
    pdf_template: str = DEFAULT_TEMPLATE  # `pdf_template`
    # `<type>_note`, `<type>_signature`, `<type>_footer` (COMPAT §6.10)
    texts: Mapping[str, str] = field(default_factory=dict)

    def text(self, document_type: str, name: str) -> str | None:
        return self.texts.get(f"{document_type}_{name}")


def read(session: Session, organization_id: str) -> DocumentDefaults:
    """One read of the organization's Defaults for one use case."""
    values = defaults.values_of(session, organization_id)
    return DocumentDefaults(
        currency_id=str(_given(values, "currencyId", DEFAULT_CURRENCY)),
        tax_rounding="document" if values.get("tax_rounding") == "document" else "line",
        invoice_due_days=_days(values, "invoice_dueDays", DEFAULT_DUE_DAYS),
        estimate_valid_days=_days(values, "estimate_validTillDays", DEFAULT_VALID_DAYS),
        pdf_template=str(_given(values, "pdf_template", DEFAULT_TEMPLATE)),
        texts={
            name: str(value)
            for name, value in values.items()
            if value is not None and name.partition("_")[0] in TYPES
        },
    )


def _days(values: Mapping[str, Any], name: str, fallback: int) -> int:
    """A whole number of days; a value that is none (stored before it was checked) falls back."""
    try:
        return int(_given(values, name, fallback))
    except (TypeError, ValueError):
        return fallback


def _given(values: Mapping[str, Any], name: str, fallback: Any) -> Any:
    value = values.get(name)
    return fallback if value is None else value
