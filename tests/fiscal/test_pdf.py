"""FISCAL §S15.1: a fiscalized document's PDF prints the issue time, the operator's name, the
ZOI, the EOR once known and the printed code of FISCAL §S11 (its QR code and digits)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from spaceport.pdf.fiscal import fiscal_qr, fiscal_view
from tests.conftest import Api
from tests.fiscal.conftest import INVOICE
from tests.fiscal.furs import FursServer

CODE = "223175087923687075112234402528973166755123456781508151013321"


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"[ \u00a0\u202f]+", " ", "\n".join(p.extract_text() for p in reader.pages))


def test_the_pdf_shows_zoi_eor_operator_and_code(
    api: Api, verifying: dict[str, Any], furs: FursServer
) -> None:
    document = api.post(f"/v1/organizations/{verifying['id']}/documents", json=INVOICE).json()
    response = api.get(f"/v1/documents/{document['id']}/pdf")
    assert response.status_code == 200
    text = text_of(response.content)
    furs_field = document["_furs"]
    assert f"ZOI: {furs_field['zoi']}" in text
    assert f"EOR: {furs_field['eor']}" in text
    assert "Ana Novak" in text
    assert furs_field["qr"] in text.replace("\n", "").replace(" ", "")


def test_a_pending_document_prints_its_zoi_without_eor(
    api: Api, verifying: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S15.1: `EOR` once known, always as they stand."""
    furs.down()
    document = api.post(f"/v1/organizations/{verifying['id']}/documents", json=INVOICE).json()
    text = text_of(api.get(f"/v1/documents/{document['id']}/pdf").content)
    assert f"ZOI: {document['_furs']['zoi']}" in text and "EOR:" not in text


def test_the_qr_code_is_numeric_with_error_correction_m_and_a_quiet_zone() -> None:
    """FISCAL §S11: numeric, error correction M, a 4-module quiet zone."""
    svg = fiscal_qr(CODE)
    assert svg.startswith("<svg") and 'width="132"' in svg  # (25 + 2 × 4) modules × 4
    view = fiscal_view({"status": "verified", "zoi": "a" * 32, "eor": None, "qr": CODE,
                        "operatorName": "Ana Novak"}, "2026-12-01T11:00:00.000Z")  # fmt: skip
    assert view is not None and view["digits"] == CODE
    assert view["lines"] == ["01.12.2026 12:00:00", "Ana Novak", f"ZOI: {'a' * 32}"]
    assert fiscal_view({"status": "skipped"}, "") is None and fiscal_view(None, "") is None


def expected_code(zoi: str, tax_number: int, issued: datetime) -> str:
    """FISCAL §S11, written out here from its text: the ZOI as a decimal of 39 digits, the tax
    number, `yyMMddHHmmss` in Ljubljana, and the sum of those 59 digits mod 10."""
    local = issued.astimezone(ZoneInfo("Europe/Ljubljana"))
    digits = str(int(zoi, 16)).rjust(39, "0") + str(tax_number) + local.strftime("%y%m%d%H%M%S")
    return digits + str(sum(map(int, digits)) % 10)


def decoded_qr_codes(pdf: bytes) -> list[str]:
    """Every QR code on the PDF's pages, rendered by pdftoppm and decoded by zbarimg."""
    tools = [shutil.which("pdftoppm"), shutil.which("zbarimg")]
    if None in tools:
        message = "pdftoppm (poppler-utils) and zbarimg (zbar-tools) are needed to decode it"
        if os.environ.get("CI"):
            pytest.fail(message)  # .ci/run installs both
        pytest.skip(message)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "200", str(source), f"{folder}/page"],
                       check=True, timeout=60)  # fmt: skip
        pages = sorted(str(p) for p in Path(folder).glob("page*.png"))
        found = subprocess.run(["zbarimg", "--quiet", "-Sdisable", "-Sqrcode.enable", *pages],
                               capture_output=True, text=True, timeout=60)  # fmt: skip
    return [line.removeprefix("QR-Code:") for line in found.stdout.splitlines() if line]


def test_the_qr_code_on_the_page_decodes_to_the_printed_code(
    api: Api, verifying: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S11, FISCAL §S15.1: the QR code printed on the PDF, decoded from the rendered
    page, holds the 60 digits of the ZOI, the tax number and the issue time."""
    document = api.post(f"/v1/organizations/{verifying['id']}/documents", json=INVOICE).json()
    issued = datetime.fromisoformat(document["date"].replace("Z", "+00:00"))
    expected = expected_code(document["_furs"]["zoi"], 10000001, issued)
    assert document["_furs"]["qr"] == expected
    pdf = api.get(f"/v1/documents/{document['id']}/pdf").content
    assert decoded_qr_codes(pdf) == [expected]
