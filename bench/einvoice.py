"""E-invoice speed (EINV §E8.1): the median time to produce each XML format of a 20-line invoice
over HTTP, what `einvoice=facturx` adds to the PDF, and the time the official artefacts take to
validate each file (EINV §E7).

    uv run python bench/einvoice.py                # SQLite
    uv run python bench/einvoice.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres

The XML figures are `GET /v1/documents/:id/einvoice?format=…` through uvicorn on loopback, one
request at a time. The PDF figures are cold: the PDF and Factur-X caches are cleared before each
request, so each one renders with typst (PDF/A-3b for Factur-X) and, for Factur-X, embeds the
CII. Validation runs in this process: lxml's XSDs, saxonche's XSLTs (compiled once, not
counted).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from common import Server, fresh_database, launch_code, organization, prepare, summary, timed
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spaceport.einvoices import eslog, facturx  # noqa: E402
from spaceport.pdf import render  # noqa: E402
from tests.einvoices.artefacts import Artefacts  # noqa: E402

SELLER = {
    "address": "Rue de la Loi 16",
    "city": "Brussels",
    "zip": "1000",
    "taxNumber": "BE0123456749",
    "IBAN": "BE71 0961 2345 6769",
    "SWIFT": "GKCCBEBB",
}
BUYER = {
    "name": "Raketenwerk GmbH",
    "address": "Raketenweg 1",
    "city": "Berlin",
    "zip": "10115",
    "country": "Germany",
    "taxNumber": "DE136695976",
}


def lines(count: int) -> list[dict[str, Any]]:
    return [
        {
            "name": f"Part {n}",
            "description": "Titanium, anodized" if n % 2 else "",
            "quantity": n % 7 + 1,
            "unit": "pcs",
            "price": f"{19.99 * n:.2f}",
            "discount": 5 if n % 3 == 0 else 0,
            "_documentItemTaxes": [{"rate": 21 if n % 4 else 6}],
        }
        for n in range(1, count + 1)
    ]


def cold(http: httpx.Client, url: str, count: int, headers: dict[str, str]) -> list[float]:
    def clear() -> None:
        render.CACHE.clear()
        facturx.CACHE.clear()

    clear()
    http.get(url, headers=headers).raise_for_status()
    timings = []
    for _ in range(count):
        clear()
        started = time.perf_counter()
        http.get(url, headers=headers).raise_for_status()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def in_process(count: int, action: Callable[[], object]) -> list[float]:
    action()
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        with fresh_database(args.postgres, Path(directory)) as url:
            db = prepare(url)
            with Server(db) as base, httpx.Client(base_url=base, timeout=60) as http:
                code, account_id = launch_code(http)
                headers = {"Authorization": code}
                org_id = organization(http, code, account_id)
                http.patch(
                    f"/v1/organizations/{org_id}", json=SELLER, headers=headers
                ).raise_for_status()
                created = http.post(
                    f"/v1/organizations/{org_id}/documents",
                    json={"_documentClient": BUYER, "_documentItems": lines(20)},
                    headers=headers,
                )
                created.raise_for_status()
                document_id = created.json()["id"]
                engine = "PostgreSQL" if args.postgres else "SQLite"
                load = os.getloadavg()[0]
                print(f"a 20-line invoice ({engine}, {os.cpu_count()} cores, load {load:.1f}):")
                files: dict[str, bytes] = {}
                for kind in ("ubl", "cii", "eslog"):
                    path = f"/v1/documents/{document_id}/einvoice?format={kind}"
                    files[kind] = http.get(path, headers=headers).content
                    print(summary(f"GET einvoice?format={kind}", timed(
                        http, path, args.requests, headers=headers
                    )))  # fmt: skip
                pdf = f"/v1/documents/{document_id}/pdf"
                rounds = max(10, args.requests // 10)
                plain = cold(http, pdf, rounds, headers)
                fx = cold(http, pdf + "?einvoice=facturx", rounds, headers)
                print(summary("GET pdf (cold)", plain))
                print(summary("GET pdf?einvoice=facturx (cold)", fx))
            db.dispose()
    artefacts = Artefacts()
    _ = artefacts.ubl_rules, artefacts.cii_rules, artefacts.ubl_schemas, artefacts.cii_schema
    print("validation in process (stylesheets compiled once beforehand):")
    rounds = max(10, args.requests // 10)
    print(summary("UBL: XSD + CEN EN 16931 rules", in_process(
        rounds, lambda: artefacts.ubl_errors(files["ubl"])
    )))  # fmt: skip
    print(summary("CII: XSD + Factur-X EN 16931 rules", in_process(
        rounds, lambda: artefacts.cii_errors(files["cii"])
    )))  # fmt: skip
    print(summary("e-SLOG: XSD", in_process(
        rounds, lambda: eslog.schema().validate(etree.fromstring(files["eslog"]))
    )))  # fmt: skip


if __name__ == "__main__":
    main()
