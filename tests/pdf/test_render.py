"""The renderer without HTTP: every word and amount localized, the parts of reference "Retrieve a
Document PDF", and PNG previews of each template for a person to look at (artifacts/pdf/)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import format_currency
from pypdf import PdfReader

from spaceport.pdf import payment_qr, render
from spaceport.pdf.labels import BABEL_LOCALES, LABELS, LANGUAGES, TITLES

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "pdf"
ISSUED = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def text_of(pdf: bytes) -> str:
    """The PDF's text with every kind of space as one plain space."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def spaced(value: str) -> str:
    return re.sub(r"[ \u00a0\u202f]+", " ", value)


def line(name: str, price: str, quantity: str = "1", **extra: Any) -> dict[str, Any]:
    total = Decimal(price) * Decimal(quantity)
    return {
        "name": name,
        "quantity": Decimal(quantity),
        "price": Decimal(price),
        "total": total,
        "discount": Decimal(0),
        "_documentItemTaxes": [{"rate": Decimal(21)}],
        **extra,
    }


def invoice(**extra: Any) -> dict[str, Any]:
    return {
        "type": "invoice",
        "number": "2026-00042",
        "date": ISSUED,
        "dateDue": datetime(2026, 4, 13, tzinfo=UTC),
        "dateService": ISSUED,
        "currencyId": "EUR",
        "_documentIssuer": {
            "name": "Vesoljska agencija d.o.o.",
            "address": "Trg republike 1",
            "zip": "1000",
            "city": "Ljubljana",
            "country": "Slovenia",
            "taxNumber": "SI12345678",
            "IBAN": "SI56 0201 0001 2345 678",
            "SWIFT": "LJBASI2X",
            "bank": "NLB",
        },
        "_documentClient": {"name": "Rocket Man", "address": "Moon base 1", "country": "UK"},
        "_documentItems": [
            {"isSeparator": True, "name": "Hardware", "description": "Suits and boots"},
            line("Space suit", "1000", "2", unit="Item"),
        ],
        "hasUnit": True,
        "total": Decimal(2000),
        "totalDiscount": Decimal(0),
        "totalWithTax": Decimal(2420),
        "totalPaid": Decimal(0),
        "totalDue": Decimal(2420),
        "_documentTaxes": [{"tax": Decimal(21), "base": Decimal(2000), "totalTax": Decimal(420)}],
        "_documentReverseTaxes": [],
        "_documentConversionRate": [],
        "documentIds": [],
        "note": "Žluťoučký kůň, ß à ñ ě ř",
        "signature": "Janez Novak",
        "footer": "Vesoljska agencija d.o.o., Ljubljana",
        **extra,
    }


def pdf_of(language: str = "en", **kwargs: Any) -> bytes:
    document = kwargs.pop("document", None) or invoice()
    return render.render(render.Source(document=document, language=language, **kwargs))


@pytest.mark.parametrize("language", LANGUAGES)
def test_titles_labels_and_amounts_are_in_the_language(language: str) -> None:
    text = text_of(pdf_of(language))
    locale = BABEL_LOCALES[language]
    assert TITLES[language]["invoice"] in text
    assert LABELS[language]["subtotal"] in text
    assert spaced(format_currency(Decimal(2420), "EUR", locale=locale)) in text
    assert "2026-00042" in text and "Rocket Man" in text and "Space suit" in text
    assert "Žluťoučký kůň, ß à ñ ě ř" in text  # the shipped fonts cover all seven languages


def test_amounts_follow_babel_for_english_and_slovenian() -> None:
    assert "€2,420.00" in text_of(pdf_of("en"))
    assert "2.420,00 €" in text_of(pdf_of("sl"))
    assert "2.420,00 €" in text_of(pdf_of("de"))


@pytest.mark.parametrize("template", render.TEMPLATES)
def test_each_template_renders_the_same_content(template: str) -> None:
    text = text_of(pdf_of("en", template=template))
    for expected in ("2026-00042", "Rocket Man", "Hardware", "Space suit", "€2,420.00"):
        assert expected in text


def test_unit_column_only_with_has_unit() -> None:
    assert "Item Qty Unit Price Tax Amount" in text_of(pdf_of("en"))
    document = invoice(hasUnit=False, _documentItems=[line("Space suit", "1000", "2")])
    assert "Item Qty Price Tax Amount" in text_of(pdf_of("en", document=document))


def test_separators_and_discounts() -> None:
    document = invoice(
        _documentItems=[
            {"isSeparator": True, "name": "Services", "description": "Done on the Moon"},
            line("Launch", "500", discount=Decimal(10)),
            line("Fuel", "100", discount=Decimal("5.5"), discountIsAmount=True),
        ],
        totalDiscount=Decimal("55.50"),
    )
    text = text_of(pdf_of("en", document=document))
    assert "Services\nDone on the Moon" in text
    assert "Discount" in text and "10%" in text and "€5.50" in text
    assert "Discount total €55.50" in text


def test_reverse_charge_conversion_references_and_payments() -> None:
    document = invoice(
        currencyId="USD",
        _documentReverseTaxes=[{"tax": Decimal(21), "base": Decimal(100), "totalTax": Decimal(21)}],
        _documentConversionRate={
            "date": "2026-03-13",
            "from": "USD",
            "to": "EUR",
            "rate": Decimal("0.9123"),
            "source": "European Central Bank",
        },
        totalWithTaxConverted=Decimal("2207.77"),
        totalPaid=Decimal(420),
        totalDue=Decimal(2000),
    )
    pdf = pdf_of(
        "en",
        document=document,
        payments=[{"date": "2026-03-15", "type": "bank", "amount": Decimal(420)}],
        references=["Estimate 2026-00007"],
    )
    text = text_of(pdf)
    assert "Reverse charge" in text
    assert "European Central Bank" in text and "1 USD = 0.9123 EUR" in text
    assert "Estimate 2026-00007" in text
    assert "Amount due" in text and "$2,000.00" in text and "$420.00" in text


def test_epc_qr_payload_for_euro_amounts_due() -> None:
    payload = payment_qr.epc_payload(invoice())
    assert payload is not None
    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "LJBASI2X",
        "Vesoljska agencija d.o.o.",
        "SI56020100012345678",
        "EUR2420.00",
        "",
        "",
        "2026-00042",
    ]
    assert payment_qr.epc_payload(invoice(currencyId="USD")) is None
    assert payment_qr.epc_payload(invoice(totalDue=Decimal(0))) is None
    assert "Scan to pay" in text_of(pdf_of("en"))


def test_a_long_invoice_runs_over_pages() -> None:
    lines = [line(f"Line {n}", "10") for n in range(120)]
    reader = PdfReader(io.BytesIO(pdf_of("en", document=invoice(_documentItems=lines))))
    assert len(reader.pages) > 1
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert all(f"Line {n}" in text for n in range(120))


def test_the_cache_key_follows_content_template_language_and_images() -> None:
    base = render.Source(document=invoice(), language="en")
    key = render.cache_key(base)
    assert key == render.cache_key(render.Source(document=invoice(), language="en"))
    assert key != render.cache_key(render.Source(document=invoice(), language="de"))
    assert key != render.cache_key(
        render.Source(document=invoice(), language="en", template="classic")
    )
    assert key != render.cache_key(render.Source(document=invoice(number="X"), language="en"))
    logo = render.Image("ab" * 32, "image/png", b"")
    assert key != render.cache_key(
        render.Source(document=invoice(), language="en", images={"logo": logo})
    )


@pytest.mark.parametrize("template", render.TEMPLATES)
def test_png_preview_of_each_template(template: str, tmp_path: Path) -> None:
    """Issue 5: "Render each template to PNG (pdftoppm) ... so a person can look at them"."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed; no PNG preview made")
    document = invoice(
        _documentItems=[
            {"isSeparator": True, "name": "Hardware", "description": "Suits and boots"},
            line("Space suit", "1000", "2", unit="Item", description="Size L, white"),
            line("Moon boots", "149.90", "2", unit="Pair", discount=Decimal(10)),
            {"isSeparator": True, "name": "Services"},
            line("Launch assistance", "500", "1", unit="Hour"),
        ],
    )
    source = tmp_path / f"{template}.pdf"
    source.write_bytes(pdf_of("sl", document=document, template=template))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / template
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-singlefile", str(source), str(target)], check=True
    )
    assert (ARTIFACTS / f"{template}.png").stat().st_size > 10_000
