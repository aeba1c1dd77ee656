"""PDFs and images through HTTP (reference "Retrieve a Document PDF", "Upload Logo or
Signature image"; COMPAT §1.11)."""

from __future__ import annotations

import io
import re
import struct
import zlib
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from spaceport.documents.models import TYPES
from spaceport.pdf import render
from spaceport.pdf.labels import LANGUAGES, TITLES
from tests.conftest import Api

SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
SVG += b'<rect width="40" height="20" fill="#1f4e79"/></svg>'
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
GIF += b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00"
WEBP += b"\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"  # 1 × 1 lossless
VAT = {"_documentItemTaxes": [{"rate": 21}]}


def png(width: int = 8, height: int = 4) -> bytes:
    """A valid RGB PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x1f\x4e\x79" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"[ \u00a0\u202f]+", " ", "\n".join(p.extract_text() for p in reader.pages))


def images_in(resources: Any) -> int:
    """Image XObjects in a page's resources, also inside form XObjects."""
    found = 0
    xobjects = resources.get("/XObject") if resources else None
    for ref in (xobjects or {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            found += 1
        elif isinstance(xobject, DictionaryObject) and xobject.get("/Resources"):
            found += images_in(xobject["/Resources"].get_object())
    return found


def create(api: Api, org_id: str, **body: Any) -> dict[str, Any]:
    data = {
        "_documentClient": {"name": "Rocket Man", "country": "United Kingdom"},
        "_documentItems": [
            {"name": "Space suit", "quantity": 2, "unit": "Item", "price": 1000, **VAT},
            {"name": "Moon boots", "quantity": 1, "price": 150, **VAT},
        ],
        **body,
    }
    response = api.post(f"/v1/organizations/{org_id}/documents", json=data)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def pdf(api: Api, document_id: str, language: str | None = "en") -> bytes:
    query = f"?l={language}" if language else ""
    response = api.get(f"/v1/documents/{document_id}/pdf{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return bytes(response.content)


def test_getting_started_pdf_has_number_client_lines_and_totals(
    api: Api, organization: dict[str, Any]
) -> None:
    document = create(api, organization["id"])
    text = text_of(pdf(api, document["id"]))
    assert TITLES["en"]["invoice"] in text and document["number"] in text
    assert "Rocket Man" in text and "Space suit" in text and "Moon boots" in text
    assert "€2,150.00" in text and "€2,601.50" in text  # total and totalWithTax
    assert "€451.50" in text  # the 21 % tax summary
    sl = text_of(pdf(api, document["id"], "sl"))
    assert "2.601,50 €" in sl and "Račun" in sl
    assert "2.601,50 €" in text_of(pdf(api, document["id"], "de"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_title_is_localized(api: Api, organization: dict[str, Any], language: str) -> None:
    document = create(api, organization["id"])
    assert TITLES[language]["invoice"] in text_of(pdf(api, document["id"], language))


@pytest.mark.parametrize("kind", TYPES)
def test_each_document_type_has_its_title(
    api: Api, organization: dict[str, Any], kind: str
) -> None:
    document = create(api, organization["id"], type=kind)
    text = text_of(pdf(api, document["id"]))
    assert TITLES["en"][kind] in text and document["number"] in text
    assert ("Due date" in text) == (kind == "invoice")
    assert ("Valid till" in text) == (kind == "estimate")


def test_smart_codes_in_the_note_are_parsed(api: Api) -> None:
    organization = api.create_organization(IBAN="BE71096123456769", SWIFT="GKCCBEBB")
    document = create(
        api, organization["id"], note="Pay [document number] to [IBAN] ([organization name])"
    )
    text = text_of(pdf(api, document["id"]))
    assert f"Pay {document['number']} to BE71096123456769 (International Space Agency)" in text
    assert "Scan to pay" in text  # the EPC QR code of a EUR invoice with an IBAN


def test_unit_column_only_when_a_line_has_a_unit(api: Api, organization: dict[str, Any]) -> None:
    with_unit = create(api, organization["id"])
    without = create(api, organization["id"], _documentItems=[{"name": "Fuel", "price": 10}])
    assert "Item Qty Unit Price" in text_of(pdf(api, with_unit["id"]))
    assert "Item Qty Price Tax Amount" in text_of(pdf(api, without["id"]))


def test_access_token_in_the_query_and_unknown_language(
    api: Api, organization: dict[str, Any]
) -> None:
    document = create(api, organization["id"])
    url = f"/v1/documents/{document['id']}/pdf"
    assert api.client.get(f"{url}?l=en&access_token={api.code}").status_code == 200
    assert api.client.get(f"{url}?l=en").status_code == 401
    assert api.get(f"{url}?l=xx").status_code == 422
    assert api.get("/v1/documents/ffffffffffffffffffffffff/pdf").status_code == 404


def test_another_account_can_not_read_the_pdf(api: Api, organization: dict[str, Any]) -> None:
    document = create(api, organization["id"])
    other = Api(api.client)
    assert other.get(f"/v1/documents/{document['id']}/pdf").status_code == 401


def test_language_defaults_to_the_organization_locale(api: Api) -> None:
    organization = api.create_organization(country="Slovenia", locale="sl")
    document = create(api, organization["id"])
    assert "Račun" in text_of(pdf(api, document["id"], None))


def test_second_request_is_served_from_the_cache(api: Api, organization: dict[str, Any]) -> None:
    document = create(api, organization["id"])
    first = pdf(api, document["id"])
    renders = render.RENDERS["count"]
    assert pdf(api, document["id"]) == first
    assert render.RENDERS["count"] == renders
    api.patch(f"/v1/documents/{document['id']}", json={"note": "Changed"})
    assert "Changed" in text_of(pdf(api, document["id"]))
    assert render.RENDERS["count"] == renders + 1


def test_template_is_chosen_by_the_pdf_template_default(
    api: Api, organization: dict[str, Any]
) -> None:
    document = create(api, organization["id"])
    modern = pdf(api, document["id"])
    response = api.post(
        f"/v1/organizations/{organization['id']}/defaults",
        json={"name": "pdf_template", "value": "classic"},
    )
    assert response.status_code == 200, response.text
    classic = pdf(api, document["id"])
    assert classic != modern and "Rocket Man" in text_of(classic)


def upload(api: Api, org_id: str, content: bytes, kind: str = "logo", alias: str = "images") -> Any:
    files = {"file": ("image.bin", content, "application/octet-stream")}
    return api.post(f"/v1/organizations/{org_id}/{alias}?type={kind}", files=files)


def test_upload_download_and_delete_an_image(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    image = png()
    response = upload(api, org_id, image)
    assert response.status_code == 200 and response.json() is True
    got = api.get(f"/v1/organizations/{org_id}/images?type=logo")
    assert got.status_code == 200 and got.content == image
    assert got.headers["content-type"] == "image/png"
    defaults = {
        d["name"]: d["value"] for d in api.get(f"/v1/organizations/{org_id}/defaults").json()
    }
    assert defaults["image_logo"] is True
    deleted = api.delete(f"/v1/organizations/{org_id}/images?type=logo")
    assert deleted.status_code == 200 and deleted.json() is True
    assert api.get(f"/v1/organizations/{org_id}/images?type=logo").status_code == 404
    defaults = {
        d["name"]: d["value"] for d in api.get(f"/v1/organizations/{org_id}/defaults").json()
    }
    assert defaults["image_logo"] is False


def test_image_aliases_and_svg(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    assert upload(api, org_id, SVG, "signature", "upload-image").status_code == 200
    got = api.get(f"/v1/organizations/{org_id}/download-image?type=signature")
    assert got.content == SVG and got.headers["content-type"] == "image/svg+xml"
    assert api.delete(f"/v1/organizations/{org_id}/delete-image?type=signature").json() is True


def test_only_small_png_jpeg_svg_and_webp_images(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    assert upload(api, org_id, GIF).status_code == 422
    assert upload(api, org_id, b"<html><body>no</body></html>").status_code == 422
    assert upload(api, org_id, png() + b"\x00" * (2 * 1024 * 1024)).status_code == 422
    assert upload(api, org_id, png(), kind="banner").status_code == 422
    assert upload(api, org_id, b"\x89PNG\r\n\x1a\n broken").status_code == 422
    assert upload(api, org_id, WEBP).status_code == 200


def test_logo_and_signature_are_embedded(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    document = create(api, org_id)
    assert images_in(PdfReader(io.BytesIO(pdf(api, document["id"]))).pages[0]["/Resources"]) == 0
    assert upload(api, org_id, png()).status_code == 200
    assert upload(api, org_id, png(6, 3), "signature").status_code == 200
    page = PdfReader(io.BytesIO(pdf(api, document["id"]))).pages[0]
    assert images_in(page["/Resources"]) == 2


def test_references_to_other_documents(api: Api, organization: dict[str, Any]) -> None:
    estimate = create(api, organization["id"], type="estimate")
    invoice = create(api, organization["id"], documentIds=[estimate["id"]])
    text = text_of(pdf(api, invoice["id"]))
    assert f"Estimate {estimate['number']}" in text
