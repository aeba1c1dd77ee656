"""Search as you type over the catalog: 100,000 clients, 100,000 items and 100,000 documents in
one organization, searched through real HTTP (`/search-clients`, `/search-items`,
`/search-documents`), with terms people type and with a term found nowhere (issue 13 point 5),
from `spaceport serve` in a process of its own (the client leaves it the CPU).

    uv run python bench/catalog.py                     # SQLite
    uv run python bench/catalog.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres

Company search at 1,000,000 rows has its own benchmark: bench/companies.py.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from common import fresh_database, launch_code, organization, prepare, served, summary
from sqlalchemy import insert, text

from spaceport.clients.models import Client
from spaceport.documents.models import Document
from spaceport.documents.models import search_text as document_search_text
from spaceport.items.models import Item
from spaceport.kit.db import Database
from spaceport.kit.ids import new_id

WORDS = ["Rocket", "Orbit", "Comet", "Nova", "Apex", "Summit", "Delta", "Vertex", "Nebula",
         "Quasar", "Pulsar", "Zenith", "Lunar", "Solar", "Galaxy", "Meteor", "Stellar", "Cosmic",
         "Astro", "Photon"]  # fmt: skip
TRADES = ["Consulting", "Logistics", "Engineering", "Foods", "Motors", "Software", "Design",
          "Studio", "Labs", "Systems"]  # fmt: skip
GOODS = ["suit", "helmet", "boots", "gloves", "visor", "tank", "valve", "panel", "cable", "lamp"]
MISSING = "zqxj"  # in no name, email, SKU or number: the search has to look everywhere
CITIES = ["Ljubljana", "Maribor", "Brussels", "Ghent", "London", "Paris", "Berlin", "Vienna"]


def load(db: Database, organization_id: str, count: int, seed: int) -> float:
    rng = random.Random(seed)
    started = time.perf_counter()
    for start in range(0, count, 5000):
        with db.transaction() as session:
            for n in range(start, min(count, start + 5000)):
                session.add(
                    Client(
                        organization_id=organization_id,
                        name=f"{rng.choice(WORDS)} {rng.choice(TRADES)} {n}",
                        city=rng.choice(CITIES),
                        email=f"contact{n}@example.com",
                    )
                )
                session.add(
                    Item(
                        organization_id=organization_id,
                        name=f"{rng.choice(WORDS)} {rng.choice(GOODS)} {n}",
                        sku=f"SKU-{n:06d}",
                        price=rng.randint(100, 100000),
                        tax_ids=[],
                    )
                )
            session.execute(insert(Document), documents(organization_id, start, count, rng))
    return time.perf_counter() - started


def documents(
    organization_id: str, start: int, count: int, rng: random.Random
) -> list[dict[str, Any]]:
    """Invoices numbered 2026-00001.. for the clients above, one a minute back from 2026-12-01."""
    first = datetime(2026, 12, 1, tzinfo=UTC)
    rows = []
    for n in range(start, min(count, start + 5000)):
        number = f"2026-{n:05d}"
        client = {
            "name": f"{rng.choice(WORDS)} {rng.choice(TRADES)} {n}",
            "email": f"contact{n}@example.com",
        }
        rows.append(
            {
                "id": new_id(),
                "organization_id": organization_id,
                "number": number,
                "type": "invoice",
                "date": first - timedelta(minutes=n),
                "currency_id": "EUR",
                "document_client": client,
                # a bulk insert skips the model's events: the searched text is given
                "search_text": document_search_text(number, None, client),
            }
        )
    return rows


def terms(count: int, seed: int, words: list[str]) -> list[str]:
    """What people type: 2 to 6 letters of a word."""
    rng = random.Random(seed)
    return [rng.choice(words)[: rng.randint(2, 6)].lower() for _ in range(count)]


def measure(http: httpx.Client, url: str, words: list[str], headers: dict[str, str]) -> list[float]:
    timings = []
    for term in words[:10]:
        http.get(url, params={"term": term}, headers=headers).raise_for_status()
    for term in words:
        started = time.perf_counter()
        http.get(url, params={"term": term, "filter[limit]": "10"}, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def run(url: str, engine: str, rows: int, requests: int) -> None:
    db = prepare(url)
    with served(url) as base, httpx.Client(base_url=base, timeout=60) as http:
        code, account_id = launch_code(http)
        org_id = organization(http, code, account_id)
        seconds = load(db, org_id, rows, seed=11)
        if engine == "PostgreSQL":  # what autovacuum does after a bulk load, without waiting
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as vacuum:
                vacuum.execute(text("VACUUM ANALYZE"))
        print(
            f"{engine}: {rows:,} clients, {rows:,} items and {rows:,} documents in one "
            f"organization ({seconds:.0f} s)"
        )
        headers = {"Authorization": code}
        base = f"/v1/organizations/{org_id}"
        searches = [
            ("search-clients", terms(requests, 1, WORDS)),
            ("search-items", terms(requests, 2, WORDS + GOODS)),
            ("search-documents", terms(requests, 3, WORDS)),
        ]
        for route, typed in searches:
            print(
                summary(f"{route}, 2-6 letters", measure(http, f"{base}/{route}", typed, headers))
            )
            missing = [MISSING] * requests
            print(
                summary(
                    f"{route}, found nowhere", measure(http, f"{base}/{route}", missing, headers)
                )
            )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--postgres", help="run on this PostgreSQL server instead of SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, fresh_database(args.postgres, Path(tmp)) as url:
        run(url, "PostgreSQL" if args.postgres else "SQLite", args.rows, args.requests)


if __name__ == "__main__":
    main()
