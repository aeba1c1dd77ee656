"""What a document needs before it is an e-invoice (EINV §E5, EINV §E2) and the rounding rule
the official artefacts hold it to (EINV §E4). Every check runs; the failures come in one 422
keyed by the Spaceport property (EINV §E5.1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from spaceport.countries.matching import find_country
from spaceport.documents.lines import DocumentLine, DocumentLineTax
from spaceport.documents.models import Document
from spaceport.einvoices.codes import CLASSIFICATIONS
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.json import format_decimal

Category = Literal["S", "Z", "E", "AE", "K", "G"]
TYPES = ("invoice", "advance", "credit-note")
REQUIRED = "is required for an e-invoice ({term})"
ISSUER_TERMS = {"name": "BT-27", "address": "BT-35", "city": "BT-37", "taxNumber": "BT-31"}
CLIENT_TERMS = {"name": "BT-44", "address": "BT-50", "city": "BT-52"}
TOLERANCE = Decimal(1)  # EINV §E4.1
CENT = Decimal("0.01")


class EInvoiceIncomplete(ValidationFailed):
    """EINV §E5.1: everything an e-invoice of the document misses, in one answer."""


def line_category(tax: DocumentLineTax) -> tuple[Category, Decimal]:
    """EINV §E3.8: the VAT category of a line's one tax, first match, and its rate (the tax's
    for S, else 0)."""
    rate = Decimal(str(tax.rate))
    if tax.reverse_charged:
        return "AE", Decimal(0)
    category: Category | None = CLASSIFICATIONS.get(str(tax.classification or ""))  # type: ignore[assignment]
    if category is not None:
        return category, Decimal(0)
    if rate == 0:
        return "Z", Decimal(0)
    return "S", rate


def summary_key(tax: DocumentLineTax) -> tuple[object, ...]:
    """The `_documentTaxes` entry a line's tax is summed into (COMPAT §6.8: by taxId, else by
    rate)."""
    rate = Decimal(str(tax.rate))
    return ("id", tax.tax_id) if tax.tax_id else ("rate", rate, bool(tax.compound))


def entry_key(entry: Mapping[str, Any]) -> tuple[object, ...]:
    if entry.get("taxId"):
        return ("id", entry["taxId"])
    return ("rate", Decimal(str(entry.get("tax") or 0)), False)


def filled(values: Mapping[str, Any], key: str) -> bool:
    return bool(str(values.get(key) or "").strip())


def country_code(values: Mapping[str, Any], own_code: bool) -> str | None:
    """BT-40 from the issuer's `countryAlpha2Code` (else its country matched); BT-55 from the
    client's `country` matched as COMPAT §7.1 matches an organization's."""
    code = str(values.get("countryAlpha2Code") or "").strip().upper() if own_code else ""
    if len(code) == 2 and code.isalpha():
        return code
    name = str(values.get("country") or "").strip()
    found = find_country(name) if name else None
    return str(found["alpha2Code"]) if found is not None else None


def line_problems(lines: Sequence[DocumentLine]) -> list[str]:
    """EINV §E5.3 `_documentItems._documentItemTaxes`; n is the line's BT-126."""
    problems = []
    for n, line in enumerate(lines, start=1):
        if len(line.taxes) != 1 or line.taxes[0].compound:
            problems.append(f"line {n} needs exactly one VAT tax (BT-151)")
            continue
        tax = line.taxes[0]
        if tax.classification in CLASSIFICATIONS and Decimal(str(tax.rate)) != 0:
            problems.append(
                f"line {n}: an exempt, intra-community or export tax has rate 0 (BT-152)"
            )
    return problems


def problems(
    document: Document, lines: Sequence[DocumentLine]
) -> tuple[dict[str, list[str]], str, str]:
    """EINV §E5.2, EINV §E5.3, EINV §E2: the messages by property, and the seller's and the
    buyer's country codes (empty when missing)."""
    messages: dict[str, list[str]] = {}

    def fail(key: str, message: str) -> None:
        messages.setdefault(key, []).append(message)

    if document.type not in TYPES:
        fail("type", "has no e-invoice: only invoices, advances and credit notes (BT-3)")
    if document.draft or not document.number:
        fail("draft", "has no number yet (BT-1)")
    issuer, client = document.document_issuer or {}, document.document_client or {}
    for key, term in ISSUER_TERMS.items():
        if not filled(issuer, key):
            fail(f"_documentIssuer.{key}", REQUIRED.format(term=term))
    seller = country_code(issuer, own_code=True)
    if seller is None:
        fail("_documentIssuer.country", REQUIRED.format(term="BT-40"))
    if issuer.get("taxSubject") is False:
        fail("_documentIssuer.taxSubject", "a seller outside VAT can't issue an e-invoice (BT-31)")
    for key, term in CLIENT_TERMS.items():
        if not filled(client, key):
            fail(f"_documentClient.{key}", REQUIRED.format(term=term))
    buyer = country_code(client, own_code=False)
    if buyer is None:
        fail("_documentClient.country", REQUIRED.format(term="BT-55"))
    if not lines:
        fail("_documentItems", "an e-invoice needs at least one line (BG-25)")
    taxes = line_problems(lines)
    for problem in taxes:
        fail("_documentItems._documentItemTaxes", problem)
    if not taxes and not filled(client, "taxNumber"):
        if any(line_category(line.taxes[0])[0] in ("AE", "K") for line in lines):
            fail(
                "_documentClient.taxNumber",
                "is required for reverse charge and intra-community supply (BT-48)",
            )
    return messages, seller or "", buyer or ""


def rounding_problems(breakdown: Sequence[tuple[Decimal, Decimal, Decimal]]) -> list[str]:
    """EINV §E4.2 over (rate, base, tax) of each VAT breakdown: the official rules (BR-CO-17)
    pass when |tax| and round(|base| × rate / 100, 2) differ by less than 1.00."""
    found = []
    for rate, base, tax in breakdown:
        expected = (abs(base) * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        if abs(abs(tax) - expected) >= TOLERANCE:
            found.append(
                f"tax {tax:.2f} at {format_decimal(rate)} % differs from base × rate "
                f"({expected:.2f}) by 1.00 or more (BR-CO-17); set Default tax_rounding to "
                "document"
            )
    return found
