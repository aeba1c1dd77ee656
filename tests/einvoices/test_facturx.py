"""The Factur-X PDF (EINV §E1.3, EINV §E7.4): the usual PDF as PDF/A-3b with the CII attached,
byte for byte, and declared; the same refusals as the XML."""

from __future__ import annotations

import io
import re
from typing import Any

import facturx
from pypdf import PdfReader

from tests.conftest import Api
from tests.einvoices import parties
from tests.einvoices.artefacts import Artefacts

XMP = re.compile(r"<(pdfaid:\w+|fx:\w+)>([^<]*)<")


def pdf_url(document: dict[str, Any], flavor: str = "facturx") -> str:
    return f"/v1/documents/{document['id']}/pdf?einvoice={flavor}"


def test_the_pdf_carries_the_cii_and_declares_it(api: Api, artefacts: Artefacts) -> None:
    org = parties.issuer(api)
    document = parties.create(api, org["id"], type="credit-note")
    response = api.get(pdf_url(document) + "&l=de")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.content
    # EINV §E7.4: the XML taken back out is the CII of EINV §E1.2 byte for byte, and passes
    name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert name == "factur-x.xml"
    assert xml == parties.einvoice(api, document["id"], "cii")
    assert artefacts.cii_errors(xml) == []
    # one PDF: its header at byte zero and no other (PDF/A-3's file header, ISO 19005-3 6.1.2),
    # typst's and the update that attaches the CII, every object where the cross-reference
    # sections say (strict reading), nothing after the last end of file
    assert re.match(rb"%PDF-1\.[0-7]\r?\n", pdf) and pdf.count(b"%PDF-") == 1
    assert pdf.count(b"%%EOF") == 2 and pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    catalog: Any = reader.trailer["/Root"]
    assert catalog["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    attached = catalog["/AF"][0].get_object()
    assert (attached["/F"], attached["/AFRelationship"]) == ("factur-x.xml", "/Alternative")
    assert attached["/EF"]["/F"].get_object()["/Subtype"] == "/text/xml"
    assert reader.xmp_metadata is not None
    metadata = reader.xmp_metadata.stream.get_data().decode()
    # one extension schemas property, describing typst's schemas and Factur-X's
    assert metadata.count("<pdfaExtension:schemas>") == 1
    schemas = metadata.split("<pdfaExtension:schemas>")[1].split("</pdfaExtension:schemas>")[0]
    assert "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in schemas
    xmp = dict(XMP.findall(metadata))
    assert xmp == {
        "pdfaid:part": "3",
        "pdfaid:conformance": "B",
        "fx:DocumentType": "INVOICE",
        "fx:DocumentFileName": "factur-x.xml",
        "fx:Version": "1.0",
        "fx:ConformanceLevel": "EN 16931",
    }
    # the usual PDF: the same words (the language asked for), and unchanged without the flag
    text = reader.pages[0].extract_text()
    assert document["number"] in text and "Gutschrift" in text
    plain = api.get(f"/v1/documents/{document['id']}/pdf?l=de").content
    assert b"factur-x.xml" not in plain
    assert api.get(pdf_url(document) + "&l=de").content == pdf  # EINV §E1.4


def test_it_refuses_what_the_xml_refuses(api: Api) -> None:
    """EINV §E1.3: the 422 of EINV §E1.1; another flavor is a 422 `einvoice`."""
    org = parties.issuer(api)
    draft = parties.create(api, org["id"], draft=True)
    response = api.get(pdf_url(draft))
    assert response.status_code == 422
    assert response.json()["error"]["details"]["messages"] == {
        "draft": ["has no number yet (BT-1)"]
    }
    invoice = parties.create(api, org["id"])
    response = api.get(pdf_url(invoice, "zugferd"))
    assert response.status_code == 422
    assert response.json()["error"]["details"]["messages"] == {"einvoice": ["must be facturx"]}
    assert api.get(pdf_url(invoice, "FacturX")).status_code == 200
    assert api.client.get(pdf_url(invoice)).status_code == 401
