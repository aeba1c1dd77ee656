"""A document as PDF bytes (reference "Retrieve a Document PDF").

Python prepares every word and number already localized (Babel, `labels.py`); the typst
templates only lay them out. The data reaches typst as JSON in `sys.inputs.data`, images as
files named by their checksum in a render root of this process. Rendering needs no database:
`Source` carries everything, so it runs after the read transaction has closed (DESIGN)."""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typst
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from spaceport.kit.json import dumps
from spaceport.pdf.fiscal import fiscal_view
from spaceport.pdf.labels import BABEL_LOCALES, LABELS, TITLES
from spaceport.pdf.payment_qr import payment_qr

HERE = Path(__file__).parent
FONTS = HERE / "fonts"
TEMPLATES = ("modern", "classic")
DEFAULT_TEMPLATE = "modern"
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg", "image/webp": "webp"}
# The dates each type prints, in order (COMPAT §6.3).
TYPE_DATES = {
    "invoice": ("dateService", "dateDue"),
    "estimate": ("dateValidTill",),
    "advance": ("datePaid",),
    "credit-note": (),
    "delivery-note": (),
}
CACHE_SIZE = 256


@dataclass(frozen=True)
class Image:
    sha256: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Source:
    """Everything a PDF shows, read in one short transaction."""

    document: dict[str, Any]  # the API answer, smart codes parsed (COMPAT §6.10)
    language: str  # one of labels.LANGUAGES
    template: str = DEFAULT_TEMPLATE
    timezone: str = "UTC"
    payments: list[dict[str, Any]] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    images: dict[str, Image] = field(default_factory=dict)  # "logo" / "signature"
    fiscal: dict[str, Any] | None = None  # FISCAL §S15.1: `_furs` and the operator's name


# -- localization ------------------------------------------------------------------------------


class Formats:
    def __init__(self, language: str, currency: str, timezone: str) -> None:
        self.locale = BABEL_LOCALES[language]
        self.currency = currency
        try:
            self.zone: Any = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self.zone = ZoneInfo("UTC")

    def money(self, amount: Any, currency: str | None = None) -> str:
        value = Decimal(str(amount or 0))
        exact = value != value.quantize(Decimal("0.01"))  # unit prices may carry 4 decimals
        return str(
            format_currency(
                value, currency or self.currency, locale=self.locale, decimal_quantization=not exact
            )
        )

    def number(self, value: Any) -> str:
        value = Decimal(str(value or 0))
        return str(format_decimal(value, locale=self.locale, decimal_quantization=False))

    def percent(self, rate: Any) -> str:
        fraction = Decimal(str(rate or 0)) / 100
        return str(format_percent(fraction, locale=self.locale, decimal_quantization=False))

    def day(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, str) and len(value) == 10:
            value = date.fromisoformat(value)  # a payment's or a rate's day
        elif isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if isinstance(value, datetime):
            value = value.astimezone(self.zone).date()
        if not isinstance(value, date):
            return str(value)
        return str(format_date(value, format="medium", locale=self.locale))


# -- the data a template lays out --------------------------------------------------------------


def party(values: dict[str, Any] | None, words: dict[str, str]) -> dict[str, Any]:
    values = values or {}
    place = " ".join(str(values[k]) for k in ("zip", "city") if values.get(k))
    lines = [values.get("address"), values.get("address2"), place, values.get("country")]
    if values.get("taxNumber"):
        lines.append(f"{words['taxNumber']}: {values['taxNumber']}")
    if values.get("companyNumber"):
        lines.append(f"{words['companyNumber']}: {values['companyNumber']}")
    lines += [values.get("email"), values.get("phone"), values.get("website")]
    return {"name": str(values.get("name") or ""), "lines": [str(x) for x in lines if x]}


def line_row(line: dict[str, Any], fmt: Formats) -> dict[str, Any]:
    """One row of the line table; a separator is a group heading (COMPAT §6.6)."""
    row: dict[str, Any] = {
        "separator": bool(line.get("isSeparator")),
        "name": str(line.get("name") or ""),
        "description": str(line.get("description") or ""),
    }
    if row["separator"]:
        return row
    discount = Decimal(str(line.get("discount") or 0))
    if not discount:
        shown = ""
    elif line.get("discountIsAmount"):
        shown = fmt.money(discount)
    else:
        shown = fmt.percent(discount)
    taxes = [t for t in line.get("_documentItemTaxes") or [] if t.get("rate") is not None]
    return row | {
        "quantity": fmt.number(line.get("quantity")),
        "unit": str(line.get("unit") or ""),
        "price": fmt.money(line.get("price")),
        "discount": shown,
        "tax": ", ".join(fmt.percent(t["rate"]) for t in taxes),
        "amount": fmt.money(line.get("total")),
    }


def totals(doc: dict[str, Any], fmt: Formats, words: dict[str, str]) -> list[list[str]]:
    """Net total, discounts, one row per tax rate (COMPAT §6.8 `_documentTaxes`)."""
    rows = [[words["subtotal"], fmt.money(doc.get("total"))]]
    if Decimal(str(doc.get("totalDiscount") or 0)):
        rows.append([words["totalDiscount"], fmt.money(doc.get("totalDiscount"))])
    for tax in doc.get("_documentTaxes") or []:
        label = f"{words['tax']} {fmt.percent(tax.get('tax'))} ({words['base']} "
        rows.append([label + fmt.money(tax.get("base")) + ")", fmt.money(tax.get("totalTax"))])
    return rows


def settlement(source: Source, fmt: Formats, words: dict[str, str]) -> dict[str, Any]:
    """Payments and the amount due (COMPAT §6.9)."""
    doc = source.document
    paid = Decimal(str(doc.get("totalPaid") or 0))
    if not paid:
        return {"payments": [], "paid": None, "due": None}
    return {
        "payments": [
            [fmt.day(p.get("date")), str(p.get("type") or ""), fmt.money(p.get("amount"))]
            for p in source.payments
        ],
        "paid": [words["paid"], fmt.money(paid)],
        "due": [words["due"], fmt.money(doc.get("totalDue"))],
    }


def reverse_note(doc: dict[str, Any], fmt: Formats, words: dict[str, str]) -> str | None:
    """COMPAT §6.8: reverse-charged taxes stay out of the totals; the note names their bases."""
    reverse = doc.get("_documentReverseTaxes") or []
    if not reverse:
        return None
    bases = (f"{fmt.percent(t.get('tax'))}: {fmt.money(t.get('base'))}" for t in reverse)
    return f"{words['reverseCharge']} {', '.join(bases)}"


def conversion(doc: dict[str, Any], fmt: Formats, words: dict[str, str]) -> str | None:
    """COMPAT §6.12: the rate of the European Central Bank for a foreign currency."""
    rate = doc.get("_documentConversionRate")
    if not isinstance(rate, dict) or rate.get("rate") is None:
        return None
    text = words["conversion"].format(
        date=fmt.day(rate.get("date")),
        source=rate.get("from", doc.get("currencyId")),
        rate=fmt.number(rate["rate"]),
        target=rate.get("to", ""),
    )
    target = str(rate.get("to") or "")
    if doc.get("totalWithTaxConverted") is not None and len(target) == 3:
        text += f" {words['total']}: {fmt.money(doc['totalWithTaxConverted'], target)}"
    return text


def bank(doc: dict[str, Any], words: dict[str, str]) -> list[list[str]]:
    issuer = doc.get("_documentIssuer") or {}
    keys = (("IBAN", "iban"), ("SWIFT", "swift"), ("bank", "bank"))
    rows = [[words[label], str(issuer[key])] for key, label in keys if issuer.get(key)]
    if rows and doc.get("number"):
        rows.append([words["reference"], str(doc["number"])])
    return rows


def view(source: Source, image_paths: dict[str, str]) -> dict[str, Any]:
    """The template's data: every string already localized."""
    doc = source.document
    words = LABELS[source.language]
    fmt = Formats(source.language, str(doc.get("currencyId") or "EUR"), source.timezone)
    dates = [[words["date"], fmt.day(doc.get("date"))]] + [
        [words[name], fmt.day(doc[name])]
        for name in TYPE_DATES.get(str(doc.get("type")), ())
        if doc.get(name)
    ]
    items = [line_row(line, fmt) for line in doc.get("_documentItems") or []]
    return {
        "labels": words,
        "title": TITLES[source.language].get(str(doc.get("type")), ""),
        "number": str(doc.get("number") or ""),
        "dates": dates,
        "issuer": party(doc.get("_documentIssuer"), words),
        "client": party(doc.get("_documentClient"), words),
        "hasUnit": bool(doc.get("hasUnit")),
        "hasDiscount": any(i.get("discount") for i in items),
        "items": items,
        "totals": totals(doc, fmt, words),
        "grand": [words["total"], fmt.money(doc.get("totalWithTax"))],
        **settlement(source, fmt, words),
        "reverse": reverse_note(doc, fmt, words),
        "conversion": conversion(doc, fmt, words),
        "references": source.references,
        "note": str(doc.get("note") or ""),
        "signature": str(doc.get("signature") or ""),
        "footer": str(doc.get("footer") or ""),
        "logo": image_paths.get("logo"),
        "signatureImage": image_paths.get("signature"),
        "qr": payment_qr(doc),
        "fiscal": fiscal_view(source.fiscal, doc.get("date")),
        "bank": bank(doc, words),
    }


# -- typst ------------------------------------------------------------------------------------


@cache
def template_source(name: str) -> bytes:
    return (HERE / "templates" / f"{name}.typ").read_bytes()


@cache
def template_version(name: str) -> str:
    return hashlib.sha256(template_source(name)).hexdigest()


@cache
def render_root() -> Path:
    """Where images are written once, by checksum, for typst to read."""
    return Path(tempfile.mkdtemp(prefix="spaceport-pdf-"))


_local = threading.local()


def compiler() -> typst.Compiler:
    """One compiler per thread; fonts only from the repository, never the machine's."""
    found: typst.Compiler | None = getattr(_local, "compiler", None)
    if found is None:
        found = typst.Compiler(
            root=str(render_root()), font_paths=[str(FONTS)], ignore_system_fonts=True
        )
        _local.compiler = found
    return found


def image_files(images: dict[str, Image]) -> dict[str, str]:
    paths: dict[str, str] = {}
    for kind, image in images.items():
        name = f"{image.sha256}.{EXTENSIONS.get(image.content_type, 'bin')}"
        path = render_root() / name
        if not path.exists():
            partial = path.with_suffix(f".{threading.get_ident()}.part")
            partial.write_bytes(image.content)
            partial.replace(path)
        paths[kind] = f"/{name}"
    return paths


def decodable(image: Image) -> bool:
    """Whether typst can draw the image (an upload that can't would break every PDF)."""
    path = image_files({"image": image})["image"]
    try:
        compiler().compile(input=f'#image("{path}")'.encode(), format="pdf", sys_inputs={})
    except typst.TypstError:
        return False
    return True


RENDERS = {"count": 0}  # renders done by this process (the cache's tests count them)


def render(source: Source, standard: typst.PDFStandard | None = None) -> bytes:
    """`standard`: a PDF standard typst claims and checks, e.g. "a-3b" (PDF/A-3b)."""
    data = dumps(view(source, image_files(source.images))).decode()
    template = source.template if source.template in TEMPLATES else DEFAULT_TEMPLATE
    pdf = compiler().compile(
        input=template_source(template),
        format="pdf",
        sys_inputs={"data": data},
        pdf_standards=[standard] if standard else [],
    )
    RENDERS["count"] += 1
    assert isinstance(pdf, bytes)
    return pdf


# -- the cache (an unchanged document renders once) -----------------------------------------------


def cache_key(source: Source) -> str:
    """The document's content, the template and its version, the language and the images."""
    template = source.template if source.template in TEMPLATES else DEFAULT_TEMPLATE
    parts = [
        dumps(source.document),
        dumps(source.payments),
        dumps(source.references),
        dumps(source.fiscal),
        f"{template}:{template_version(template)}".encode(),
        source.language.encode(),
        source.timezone.encode(),
        *(f"{k}:{v.sha256}".encode() for k, v in sorted(source.images.items())),
    ]
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


class PdfCache:
    """Rendered PDFs by checksum, least recently used first out."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.entries: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: str, pdf: bytes) -> None:
        with self.lock:
            self.entries[key] = pdf
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


CACHE = PdfCache()


def cached_render(source: Source, standard: typst.PDFStandard | None = None) -> bytes:
    key = cache_key(source) + (f":{standard}" if standard else "")
    found = CACHE.get(key)
    if found is None:
        found = render(source, standard)
        CACHE.put(key, found)
    return found
