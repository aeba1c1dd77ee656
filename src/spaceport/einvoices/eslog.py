"""e-SLOG 2.0 (EINV §E1.2, EINV §E3.10): `Invoice` in `urn:eslog:2.00` with `M_INVOIC Id="data"`,
unsigned, written from the neutral view and held to the e-SLOG 2.0 XSD that Spaceport ships
unmodified (EINV §E7.3), loaded once. The XSD bounds each text (`limits`, read from the XSD
itself); a longer one is spread over the element's continuations where the schema has them
(`D_3036`, `D_3036_2`, ...). Every text is written with the Spaceport property it comes from,
and what exceeds its element (with all its continuations) is refused by that property in one
422 before the XSD is asked (EINV §E5.1), so that no invalid file is ever answered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Final

from lxml import etree

from spaceport.einvoices.checks import EInvoiceIncomplete
from spaceport.einvoices.model import EInvoice, Line, Party
from spaceport.einvoices.writing import Writer, amount, day, number, serialize

NAMESPACE = "urn:eslog:2.00"
SCHEMA = Path(__file__).parent / "schemas" / "eslog-2.0" / "eSLOG20_INVOIC_v200.xsd"
GUIDELINE = "urn:cen.eu:en16931:2017"
TOO_LONG = "is longer than e-SLOG 2.0 allows ({limit} characters)"
SCHEMA_MESSAGE = "does not pass the e-SLOG 2.0 XSD: {error}"
XSD: Final = "{http://www.w3.org/2001/XMLSchema}"
# EINV §E3.10: the exemption reason of category E is the tax's `name` (EINV §E3.8)
TAX_NAME: Final = "_documentItems._documentItemTaxes.name"


@cache
def schema() -> etree.XMLSchema:
    """The XSD, parsed once; its import resolves to the file beside it (no network)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


@cache
def limits() -> dict[str, int]:
    """The XSD's bound of each element's text (`maxLength` of its simple type), by name."""
    root = etree.parse(str(SCHEMA)).getroot()
    bounds: dict[str, int] = {}
    for simple in root.iterfind(f"{XSD}simpleType"):
        facet = simple.find(f"{XSD}restriction/{XSD}maxLength")
        if facet is not None:
            bounds[str(simple.get("name"))] = int(str(facet.get("value")))
    return {
        str(element.get("name")): bounds[str(element.get("type"))]
        for element in root.iterfind(f"{XSD}element")
        if element.get("type") in bounds
    }


def continuations(name: str) -> int:
    """How many elements one text may take: `name` and its `name_2`, `name_3`, ..."""
    count = 1
    while f"{name}_{count + 1}" in limits():
        count += 1
    return count


def pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


class Eslog:
    def __init__(self, invoice: EInvoice) -> None:
        self.invoice = invoice
        self.w = Writer({None: NAMESPACE})
        self.too_long: dict[str, list[str]] = {}  # EINV §E5.1: by Spaceport property

    def refuse(self, prop: str, limit: int) -> None:
        message = TOO_LONG.format(limit=limit)
        if message not in self.too_long.setdefault(prop, []):
            self.too_long[prop].append(message)

    def text(self, parent: etree._Element, name: str, value: str, prop: str) -> etree._Element:
        """An element whose text is the Spaceport property `prop`, held to its XSD bound."""
        limit = limits().get(name)
        if limit is not None and len(value) > limit:
            self.refuse(prop, limit)
        return self.w.add(parent, name, value)

    def numbered(self, parent: etree._Element, name: str, values: list[str], prop: str) -> None:
        """`D_3036`, `D_3036_2`, ...: texts over an element and its continuations, each up to
        the element's bound; what does not fit in them all is refused by `prop`."""
        size, count = limits()[name], continuations(name)
        lines = [line for value in values for line in pieces(value, size)]
        if len(lines) > count:
            self.refuse(prop, size * count)
        for n, line in enumerate(lines[:count], start=1):
            self.w.add(parent, name if n == 1 else f"{name}_{n}", line)

    def dtm(self, parent: etree._Element, qualifier: str, value: date) -> None:
        moment = self.w.chain(parent, "S_DTM/C_C507")
        self.w.add(moment, "D_2005", qualifier)
        self.w.add(moment, "D_2380", day(value))

    def moa(self, parent: etree._Element, qualifier: str, value: Decimal) -> None:
        money = self.w.chain(parent, "S_MOA/C_C516")
        self.w.add(money, "D_5025", qualifier)
        self.w.add(money, "D_5004", amount(value))

    def ftx(
        self, parent: etree._Element, kind: str, code: str | None, text: str | None, prop: str
    ) -> None:
        w = self.w
        element = w.add(parent, "S_FTX")
        w.add(element, "D_4451", kind)
        if code:
            self.text(w.add(element, "C_C107"), "D_4441", code, prop)
        if text:
            self.numbered(w.add(element, "C_C108"), "D_4440", [text], prop)

    def rff(self, parent: etree._Element, qualifier: str, value: str, prop: str) -> etree._Element:
        reference = self.w.chain(parent, "S_RFF/C_C506")
        self.w.add(reference, "D_1153", qualifier)
        self.text(reference, "D_1154", value, prop)
        return reference

    def tax(self, parent: etree._Element, category: str, rate: Decimal) -> None:
        w = self.w
        element = w.add(parent, "S_TAX")
        w.add(element, "D_5283", "7")
        w.chain(element, "C_C241/D_5153", "VAT")
        w.chain(element, "C_C243/D_5278", number(rate))
        w.add(element, "D_5305", category)

    def document(self) -> etree._Element:
        inv, w = self.invoice, self.w
        root = w.root("Invoice")
        message = w.add(root, "M_INVOIC", Id="data")
        header = w.add(message, "S_UNH")
        w.add(header, "D_0062", "1")
        identifier = w.add(header, "C_S009")
        for name, value in (("D_0065", "INVOIC"), ("D_0052", "D"), ("D_0054", "01B")):
            w.add(identifier, name, value)
        w.add(identifier, "D_0051", "UN")
        bgm = w.add(message, "S_BGM")
        w.chain(bgm, "C_C002/D_1001", inv.type_code)
        self.text(w.add(bgm, "C_C106"), "D_1004", inv.number, "number")
        self.dtm(message, "137", inv.issued)
        self.dtm(message, "35", inv.delivered)
        self.ftx(message, "DOC", "P1", GUIDELINE, "format")
        if inv.note:
            self.ftx(message, "GEN", None, inv.note, "note")
        for entry in inv.breakdown:
            if entry.exemption_code or entry.exemption_text:
                self.ftx(message, "AGM", entry.exemption_code, entry.exemption_text, TAX_NAME)
        if inv.payment is not None:
            self.rff(w.add(message, "G_SG1"), "PQ", inv.payment.reference, "number")
        for preceding in inv.preceding:
            group = w.add(message, "G_SG1")
            self.rff(group, "OI", preceding.number, "documentIds")
            self.dtm(group, "384", preceding.day)
        self.party(message, "SE", inv.seller)
        self.party(message, "BY", inv.buyer)
        currency = w.chain(message, "G_SG7/S_CUX/C_C504")
        w.add(currency, "D_6347", "2")
        self.text(currency, "D_6345", inv.currency, "currencyId")
        if inv.due is not None or inv.payment is not None:
            terms = w.add(message, "G_SG8")
            w.chain(terms, "S_PAT/D_4279", "1")
            if inv.due is not None:
                self.dtm(terms, "13", inv.due)
            if inv.payment is not None:
                w.chain(terms, "S_PAI/C_C534/D_4461", inv.payment.means)
        for line in inv.lines:
            self.line(message, line)
        w.chain(message, "S_UNS/D_0081", "S")
        for qualifier, total in self.total_amounts():
            self.moa(w.add(message, "G_SG50"), qualifier, total)
        for entry in inv.breakdown:
            group = w.add(message, "G_SG52")
            self.tax(group, entry.category, entry.rate)
            self.moa(group, "125", entry.base)
            self.moa(group, "124", entry.tax)
        return root

    def total_amounts(self) -> Iterator[tuple[str, Decimal]]:
        totals = self.invoice.totals
        yield "79", totals.lines
        yield "389", totals.tax_exclusive
        yield "176", totals.tax
        yield "388", totals.tax_inclusive
        if totals.paid is not None:
            yield "113", totals.paid
        yield "9", totals.due

    def party(self, message: etree._Element, role: str, party: Party) -> None:
        w = self.w
        prefix = "_documentIssuer" if role == "SE" else "_documentClient"
        group = w.add(message, "G_SG2")
        nad = w.add(group, "S_NAD")
        w.add(nad, "D_3035", role)
        self.numbered(w.add(nad, "C_C080"), "D_3036", [party.name], f"{prefix}.name")
        address = [party.address, *([party.address2] if party.address2 else [])]
        self.numbered(w.add(nad, "C_C059"), "D_3042", address, f"{prefix}.address")
        self.text(nad, "D_3164", party.city, f"{prefix}.city")
        if party.zip:
            self.text(nad, "D_3251", party.zip, f"{prefix}.zip")
        self.text(nad, "D_3207", party.country, f"{prefix}.country")
        payment = self.invoice.payment
        if role == "SE" and payment is not None:
            fii = w.add(group, "S_FII")
            w.add(fii, "D_3035", "RB")
            account = w.add(fii, "C_C078")
            self.text(account, "D_3194", payment.iban, f"{prefix}.IBAN")
            self.numbered(account, "D_3192", [payment.holder], f"{prefix}.name")
            if payment.bic:
                self.text(w.add(fii, "C_C088"), "D_3433", payment.bic, f"{prefix}.SWIFT")
        if party.vat_id:
            self.rff(w.add(group, "G_SG3"), "VA", party.vat_id, f"{prefix}.taxNumber")
            if party.country == "SI":
                ahp = party.vat_id.removeprefix("SI")
                self.rff(w.add(group, "G_SG3"), "AHP", ahp, f"{prefix}.taxNumber")
        if party.company_number:
            company = party.company_number
            self.rff(w.add(group, "G_SG3"), "0199", company, f"{prefix}.companyNumber")

    def line(self, message: etree._Element, line: Line) -> None:
        w = self.w
        group = w.add(message, "G_SG26")
        w.chain(group, "S_LIN/D_1082", str(line.position))
        imd = w.add(group, "S_IMD")
        w.add(imd, "D_7077", "F")
        self.numbered(w.add(imd, "C_C273"), "D_7008", [line.name], "_documentItems.name")
        quantity = w.chain(group, "S_QTY/C_C186")
        w.add(quantity, "D_6063", "47")
        w.add(quantity, "D_6060", number(line.quantity))
        self.text(quantity, "D_6411", line.unit, "_documentItems.unit")
        self.moa(w.add(group, "G_SG27"), "203", line.total)
        self.moa(w.add(group, "G_SG27"), "38", line.total_with_tax)
        price = w.chain(group, "G_SG29/S_PRI/C_C509")
        w.add(price, "D_5125", "AAA")
        w.add(price, "D_5118", number(line.price))
        taxes = w.add(group, "G_SG34")
        self.tax(taxes, line.category, line.rate)
        self.moa(taxes, "125", line.total)
        self.moa(taxes, "124", line.total_tax)
        if line.allowance is not None:
            allowance = w.add(group, "G_SG39")
            alc = w.add(allowance, "S_ALC")
            w.add(alc, "D_5463", "A")
            reason = w.add(alc, "C_C214")
            w.add(reason, "D_7161", "95")
            w.add(reason, "D_7160", "Discount")
            if line.allowance.percent is not None:
                percent = w.chain(allowance, "G_SG41/S_PCD/C_C501")
                w.add(percent, "D_5245", "1")
                w.add(percent, "D_5482", number(line.allowance.percent))
            self.moa(w.add(allowance, "G_SG42"), "204", line.allowance.amount)
            if line.allowance.base is not None:
                self.moa(w.add(allowance, "G_SG42"), "25", line.allowance.base)


def to_xml(invoice: EInvoice) -> bytes:
    """The e-SLOG bytes, or the 422 of EINV §E5.1 (texts too long, by Spaceport property, or,
    should anything else escape the checks, the XSD's first complaint): never an invalid
    file."""
    writer = Eslog(invoice)
    root = writer.document()
    if writer.too_long:
        raise EInvoiceIncomplete(writer.too_long)
    if not schema().validate(root):
        message = (str(schema().error_log).splitlines() or ["invalid"])[0]
        raise EInvoiceIncomplete({"format": [SCHEMA_MESSAGE.format(error=message)]})
    return serialize(root)
