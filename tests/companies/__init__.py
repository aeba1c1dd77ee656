"""Register files written the way the real registers write them, for the company tests."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

# Companies House BasicCompanyData: the first columns of the real header, leading spaces kept.
GB_HEADER = [
    "CompanyName",
    " CompanyNumber",
    "RegAddress.CareOf",
    "RegAddress.POBox",
    "RegAddress.AddressLine1",
    " RegAddress.AddressLine2",
    "RegAddress.PostTown",
    "RegAddress.County",
    "RegAddress.Country",
    "RegAddress.PostCode",
    "CompanyCategory",
    "CompanyStatus",
    "CountryOfOrigin",
    "DissolutionDate",
    "IncorporationDate",
]


def gb_row(name: str, number: str, **columns: str) -> dict[str, str]:
    """A BasicCompanyData row; `columns` by trimmed header name."""
    row = {"CompanyName": name, "CompanyNumber": number, "CompanyStatus": "Active"}
    return {**row, **columns}


def write_gb_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(GB_HEADER)
        for row in rows:
            writer.writerow([row.get(name.strip(), "") for name in GB_HEADER])
    return path


def write_si_xml(path: Path, entities: str) -> Path:
    """An AJPES PRS document holding `entities` (XML text)."""
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<PRS>\n{entities}\n</PRS>\n')
    return path


def token() -> str:
    """A word no other test uses, letters only (names and search terms)."""
    return "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:10])


def number() -> str:
    """A registration number no other test uses."""
    return "T" + uuid.uuid4().hex[:9].upper()
