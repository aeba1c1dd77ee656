"""The Factur-X PDF (EINV §E1.3): the document's usual PDF rendered by typst as PDF/A-3b
(typst writes the output intent `/GTS_PDFA1`, sRGB, and the XMP with `pdfaid:part` 3,
`pdfaid:conformance` B), with its CII XML (EINV §E1.2), byte for byte, attached as
`factur-x.xml` and declared (`/AF`, `/AFRelationship /Alternative`, MIME text/xml) and the
Factur-X properties added to the XMP with their PDF/A extension schema (INVOICE,
factur-x.xml, 1.0, EN 16931; the schema as the `factur-x` package ships it).

The attachment is an incremental update appended to typst's bytes (`attach`): nothing of
typst's PDF is parsed beyond its trailer, catalog and XMP, nor written again. (factur-x's own
`generate_from_binary` cloned every object through pypdf, most of the time of the request,
and wrote its rewrite after a truncated copy of typst's PDF.)"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Final

import facturx
from fastapi import Request
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject, NameObject, PdfObject, StreamObject
from sqlalchemy.orm import Session

from spaceport.access.authorization import authorize, caller_of
from spaceport.documents import printing
from spaceport.einvoices import cii, service
from spaceport.einvoices.model import EInvoice
from spaceport.kit.db import Database, utcnow
from spaceport.pdf.render import PdfCache, Source, cached_render

FLAVOR = "facturx"
EINVOICE_MESSAGE = f"must be {FLAVOR}"
PDF_STANDARD: Final = "a-3b"  # PDF/A-3, conformance B (EINV §E1.3)
CACHE = PdfCache()


def gather(
    session: Session, request: Request, document_id: str, lang: str | None, flavor: str
) -> tuple[Source, EInvoice]:
    """What the PDF shows and the e-invoice, read in one short transaction; access as for the
    PDF, and every refusal of EINV §E1.1 (with `einvoice`'s own) in one 422."""
    caller = caller_of(session, request)
    document = printing.printable(session, document_id)
    organization, _access = authorize(session, caller, document.organization_id, "GET")
    refused = {} if flavor == FLAVOR else {"einvoice": [EINVOICE_MESSAGE]}
    invoice = service.einvoice_of(session, document, organization, refused)
    return printing.document_source(session, document, organization, lang), invoice


# -- the Factur-X attachment as an incremental update (ISO 32000-1 7.5.6) ----------------------
RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
EXTENSION: Final = "http://www.aiim.org/pdfa/ns/extension/"
FX: Final = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
FILENAME: Final = "factur-x.xml"
# factur-x ships the XMP of the Factur-X properties and their PDF/A extension schema
TEMPLATE: Final = Path(facturx.__file__).parent / "xmp" / "Factur-X_extension_schema.xmp"


@cache
def extension() -> tuple[bytes, bytes]:
    """The Factur-X properties (`fx:`, level EN 16931) and the `rdf:li` describing their
    schema, from factur-x's template, as XML to be put into typst's XMP."""
    template = etree.parse(str(TEMPLATE)).getroot()
    properties = template.find(f"{{{RDF}}}Description[@{{{FX}}}ConformanceLevel]")
    if properties is None:
        properties = next(d for d in template if d.find(f"{{{FX}}}ConformanceLevel") is not None)
    level = properties.find(f"{{{FX}}}ConformanceLevel")
    assert level is not None
    level.text = "EN 16931"
    schema = template.find(f".//{{{EXTENSION}}}schemas/{{{RDF}}}Bag/{{{RDF}}}li")
    assert schema is not None
    return etree.tostring(properties, with_tail=False), etree.tostring(schema, with_tail=False)


def factur_x_xmp(xmp: bytes) -> bytes:
    """typst's XMP (PDF/A-3b) with the Factur-X properties and their schema added: one
    `pdfaExtension:schemas` property, as XMP allows."""
    tree = etree.fromstring(xmp).getroottree()  # with the xpacket instructions around it
    rdf = tree.getroot().find(f"{{{RDF}}}RDF")
    assert rdf is not None
    properties, schema = extension()
    rdf.append(etree.fromstring(properties))
    bag = rdf.find(f".//{{{EXTENSION}}}schemas/{{{RDF}}}Bag")
    if bag is None:
        holder = etree.SubElement(rdf, f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
        schemas = etree.SubElement(holder, f"{{{EXTENSION}}}schemas")
        bag = etree.SubElement(schemas, f"{{{RDF}}}Bag")
    bag.append(etree.fromstring(schema))
    return etree.tostring(tree, encoding="UTF-8")


def serialized(value: PdfObject) -> bytes:
    out = io.BytesIO()
    value.write_to_stream(out)
    return out.getvalue()


def stream_object(number: int, entries: bytes, data: bytes) -> bytes:
    head = f"{number} 0 obj\n<<".encode() + entries + f"/Length {len(data)}>>\nstream\n".encode()
    return head + data + b"\nendstream\nendobj\n"


def attach(pdf: bytes, xml: bytes, moment: datetime) -> bytes:
    """typst's PDF/A-3b with `xml` attached as `factur-x.xml` (EINV §E1.3): an incremental
    update after typst's bytes, which stay as they are, that adds the embedded file and its
    file specification (MIME text/xml, `/AFRelationship /Alternative`, in the catalog's `/AF`
    and `/Names`) and gives the catalog and typst's XMP, with the Factur-X properties, new
    versions. typst writes a classic cross-reference table and no object streams, so only the
    trailer, the catalog and the XMP are read."""
    reader = PdfReader(io.BytesIO(pdf))
    trailer = reader.trailer
    catalog_ref = trailer.raw_get("/Root")
    catalog = reader.get_object(catalog_ref)
    names = catalog["/Names"] if isinstance(catalog, dict) and "/Names" in catalog else None
    names = DictionaryObject() if names is None else names
    if (
        not isinstance(catalog, DictionaryObject)
        or not isinstance(names, DictionaryObject)
        or "/AF" in catalog
        or "/EmbeddedFiles" in names
    ):
        raise ValueError("typst's catalog already attaches files: not this update's case")
    metadata_ref = catalog.raw_get("/Metadata")
    metadata = reader.get_object(metadata_ref)
    assert isinstance(metadata, StreamObject)
    assert isinstance(catalog_ref, IndirectObject) and isinstance(metadata_ref, IndirectObject)
    size = int(str(trailer["/Size"]))
    stamp = moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")
    embedded, filespec = size, size + 1
    compressed = zlib.compress(xml)
    params = (
        f"/Type/EmbeddedFile/Subtype/text#2Fxml/Filter/FlateDecode/Params<</Size {len(xml)}"
        f"/ModDate({stamp})/CheckSum<{hashlib.md5(xml).hexdigest()}>>>"  # noqa: S324 - PDF's
    ).encode()
    objects: list[tuple[int, bytes]] = [
        (embedded, stream_object(embedded, params, compressed)),
        (filespec, (
            f"{filespec} 0 obj\n<</Type/Filespec/F({FILENAME})/UF({FILENAME})"
            f"/Desc(Factur-X XML file)/AFRelationship/Alternative"
            f"/EF<</F {embedded} 0 R/UF {embedded} 0 R>>>>\nendobj\n"
        ).encode()),
    ]  # fmt: skip

    def entries(values: DictionaryObject, *leave: str) -> bytes:
        kept = [(k, v) for k, v in values.items() if k not in leave]
        return b"".join(serialized(NameObject(k)) + b" " + serialized(v) for k, v in kept)

    attached = f"/EmbeddedFiles<</Names[({FILENAME}) {filespec} 0 R]>>".encode()
    objects.append((catalog_ref.idnum, (
        f"{catalog_ref.idnum} 0 obj\n<<".encode() + entries(catalog, "/Names", "/PageMode")
        + f"/AF[{filespec} 0 R]".encode() + b"/Names<<" + entries(names) + attached + b">>"
        + b"/PageMode/UseAttachments>>\nendobj\n"
    )))  # fmt: skip
    xmp = factur_x_xmp(metadata.get_data())
    objects.append((metadata_ref.idnum, stream_object(
        metadata_ref.idnum, b"/Type/Metadata/Subtype/XML", xmp
    )))  # fmt: skip
    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets = {}
    for number, text in objects:
        offsets[number] = len(out)
        out += text
    table = bytearray(b"xref\n0 1\n0000000000 65535 f\r\n")
    for number in sorted(offsets):
        table += f"{number} 1\n{offsets[number]:010d} 00000 n\r\n".encode()
    xref_at = len(out)
    previous = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    info = trailer.raw_get("/Info")
    tail = (
        b"trailer\n<</Size " + str(size + 2).encode()
        + b"/Root " + serialized(catalog_ref)
        + (b"/Info " + serialized(info) if info is not None else b"")
        + b"/ID " + serialized(trailer["/ID"])
        + b"/Prev " + str(previous).encode()
        + b">>\nstartxref\n" + str(xref_at).encode() + b"\n%%EOF\n"
    )  # fmt: skip
    return bytes(out + table + tail)


def embed(pdf: bytes, xml: bytes) -> bytes:
    """The CII attached and declared; the attachment is stamped with its time, so an unchanged
    document's Factur-X PDF is kept by its content and answered the same every time."""
    key = hashlib.sha256(len(pdf).to_bytes(8, "big") + pdf + xml).hexdigest()
    found = CACHE.get(key)
    if found is None:
        found = attach(pdf, xml, utcnow())
        CACHE.put(key, found)
    return found


def document_pdf(
    database: Database, request: Request, document_id: str, lang: str | None, flavor: str
) -> bytes:
    """`GET /v1/documents/:id/pdf?einvoice=facturx` (EINV §E1.3); rendering and embedding run
    after the read transaction has closed (DESIGN)."""
    with database.transaction(write=False) as session:
        source, invoice = gather(session, request, document_id, lang, flavor.lower())
    pdf = cached_render(source, standard=PDF_STANDARD)
    return embed(pdf, cii.to_xml(invoice))
