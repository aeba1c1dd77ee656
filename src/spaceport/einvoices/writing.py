"""What the three syntaxes share when they write XML (EINV §E1.1, EINV §E1.4): amounts with 2
decimals (EINV §E3.9), prices and quantities as stored, days as `YYYY-MM-DD`, and bytes that
depend only on the e-invoice."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from spaceport.kit.json import format_decimal

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
CENT = Decimal("0.01")


def amount(value: Decimal) -> str:
    """An amount with exactly 2 decimals (the document's amounts already have at most 2)."""
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}"


def number(value: Decimal) -> str:
    """A price, quantity or rate as stored: no exponent, no trailing zeros."""
    return format_decimal(value)


def day(value: date) -> str:
    return value.isoformat()


def compact_day(value: date) -> str:
    """CII date format 102 and e-SLOG's CCYYMMDD."""
    return value.strftime("%Y%m%d")


class Writer:
    """Elements by prefixed name (`cbc:ID`) under the namespaces of one syntax."""

    def __init__(self, namespaces: dict[str | None, str]) -> None:
        self.namespaces = namespaces

    def qname(self, name: str) -> str:
        prefix, _, local = name.rpartition(":")
        return f"{{{self.namespaces[prefix or None]}}}{local}"

    def root(self, name: str) -> etree._Element:
        # lxml-stubs types nsmap without the default namespace's None key, which lxml takes
        return etree.Element(self.qname(name), nsmap=self.namespaces)  # type: ignore[arg-type]

    def add(
        self,
        parent: etree._Element,
        name: str,
        text: str | None = None,
        **attributes: str,
    ) -> etree._Element:
        element = etree.SubElement(parent, self.qname(name), attributes)
        if text is not None:
            element.text = text
        return element

    def chain(self, parent: etree._Element, path: str, text: str | None = None) -> etree._Element:
        """`a/b/c`: nested elements, the text on the last."""
        names = path.split("/")
        for name in names[:-1]:
            parent = self.add(parent, name)
        return self.add(parent, names[-1], text)


def serialize(root: etree._Element) -> bytes:
    """EINV §E1.1: UTF-8 with the declaration written exactly so."""
    return DECLARATION + etree.tostring(root, encoding="UTF-8")
