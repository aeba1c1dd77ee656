"""Spreadsheet export at scale (reference "Exporting data"): 100,000 documents of one organization,
bulk inserted with SQLAlchemy Core, exported to `.xlsx` through real HTTP from `spaceport serve` in
a process of its own. Prints the seconds and the server's peak RSS (VmHWM) after a small
export and after the full one: a flat peak shows that memory does not grow with the rows.

    uv run python bench/export.py                     # SQLite
    uv run python bench/export.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from common import fresh_database, launch_code, organization, prepare, served
from sqlalchemy import insert, select

from spaceport.documents.models import Document
from spaceport.kit.ids import new_id
from spaceport.taxes.models import Tax

BATCH = 5000
CLIENTS = ["Rocket Man", "Luna Corp", "Mars Inc", "Orbit d.o.o.", "Comet GmbH", "Nova SARL"]
PRODUCTS = [("Space suit", Decimal("1000")), ("Helmet", Decimal("120.5")), ("Map", Decimal("9.99"))]
CENT = Decimal("0.01")


def line(name: str, price: Decimal, quantity: int, tax_id: str, rate: Decimal) -> dict[str, Any]:
    """A document line as the calculation stores it (COMPAT §6.8)."""
    total = (price * quantity).quantize(CENT)
    tax = (total * rate / 100).quantize(CENT)
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "quantity": quantity,
        "price": price,
        "total": total,
        "totalDiscount": Decimal(0),
        "totalTax": tax,
        "totalWithTax": total + tax,
        "_documentItemTaxes": [{"taxId": tax_id, "rate": rate, "amount": tax}],
    }


def document_row(n: int, org_id: str, taxes: list[tuple[str, Decimal]], rng: random.Random) -> Any:
    day = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=n % 365)
    lines = [
        line(name, price, rng.randint(1, 5), *rng.choice(taxes))
        for name, price in rng.sample(PRODUCTS, rng.randint(1, 3))
    ]
    summary: dict[tuple[str, Decimal], list[Decimal]] = {}
    for entry in lines:
        tax = entry["_documentItemTaxes"][0]
        sums = summary.setdefault((tax["taxId"], tax["rate"]), [Decimal(0), Decimal(0)])
        sums[0] += entry["total"]
        sums[1] += tax["amount"]
    total = sum((entry["total"] for entry in lines), Decimal(0))
    with_tax = sum((entry["totalWithTax"] for entry in lines), Decimal(0))
    return {
        "id": new_id(),
        "organization_id": org_id,
        "number": f"{day.year}-{n + 1:06d}",
        "type": "invoice",
        "date": day,
        "date_due": day + timedelta(days=30),
        "date_service": day,
        "currency_id": "EUR",
        "client_id": None,
        "document_client": {"name": rng.choice(CLIENTS), "country": "Belgium"},
        "document_issuer": {"name": "Bench Agency", "country": "Belgium"},
        "document_items": lines,
        "document_taxes": [
            {"tax": rate, "taxId": tax_id, "base": base, "totalTax": tax}
            for (tax_id, rate), (base, tax) in summary.items()
        ],
        "total": total,
        "total_with_tax": with_tax,
        "total_discount": Decimal(0),
        "total_paid": Decimal(0),
        "total_due": with_tax,
        "reference": f"PO-{n}",
    }


def load_documents(url: str, org_id: str, count: int, first: int = 0) -> float:
    """Seconds to insert `count` invoices numbered from `first` + 1."""
    rng = random.Random(7 + first)
    db = prepare(url)
    started = time.perf_counter()
    with db.transaction() as session:
        found = session.execute(select(Tax.id, Tax.tax_rates).where(Tax.organization_id == org_id))
        taxes = [(tax_id, Decimal(str(rates[0]["rate"]))) for tax_id, rates in found if rates]
    for start in range(first, first + count, BATCH):
        end = min(first + count, start + BATCH)
        rows = [document_row(n, org_id, taxes, rng) for n in range(start, end)]
        with db.transaction() as session:
            session.execute(insert(Document), rows)
    db.dispose()
    return time.perf_counter() - started


def server_pid() -> int:
    """The `spaceport serve` process that `served` started (a child of this process)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"spaceport.cli" in command:
            return int(entry.name)
    raise RuntimeError("no spaceport serve process found")


def peak_rss_mb(pid: int) -> float:
    for text in Path(f"/proc/{pid}/status").read_text().splitlines():
        if text.startswith("VmHWM:"):
            return int(text.split()[1]) / 1024
    return 0.0


def export(http: httpx.Client, url: str, params: dict[str, str], target: Path) -> tuple[float, int]:
    """Seconds to download the export, and its size in bytes."""
    started = time.perf_counter()
    with http.stream("GET", url, params=params) as response, target.open("wb") as out:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            out.write(chunk)
    return time.perf_counter() - started, target.stat().st_size


def run(url: str, engine: str, count: int, directory: Path) -> None:
    with served(url) as base, httpx.Client(base_url=base, timeout=600) as http:
        code, account_id = launch_code(http)
        org_id = organization(http, code, account_id)
        seconds = load_documents(url, org_id, count)
        print(f"{engine}: {count:,} documents in one organization, loaded in {seconds:.1f} s")
        pid = server_pid()
        http.headers["Authorization"] = code
        target = f"/v1/organizations/{org_id}/export"
        january = {"type": "document", "where[date][lt]": "2025-01-08"}
        seconds, size = export(http, target, january, directory / "small.xlsx")
        print(f"  export of one week ({count * 7 // 365:,} documents): {seconds:6.2f} s")
        print(f"  server peak RSS after it:  {peak_rss_mb(pid):7.1f} MB")
        seconds, size = export(http, target, {"type": "document"}, directory / "all.xlsx")
        print(f"  export of all {count:,} documents: {seconds:6.2f} s, {size / 1e6:.1f} MB file")
        print(f"  server peak RSS after it:  {peak_rss_mb(pid):7.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--postgres", help="run on this PostgreSQL server instead of SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, fresh_database(args.postgres, Path(tmp)) as url:
        engine = "PostgreSQL" if args.postgres else "SQLite"
        run(url, engine, args.documents, Path(tmp))


if __name__ == "__main__":
    main()
