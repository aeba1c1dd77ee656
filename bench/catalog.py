"""Search as you type over the catalog: 100,000 clients and 100,000 items in one organization,
searched through real HTTP (`/search-clients`, `/search-items`).

    uv run python bench/catalog.py                     # SQLite
    uv run python bench/catalog.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres

Company search at 1,000,000 rows has its own benchmark: bench/companies.py.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import httpx
from common import Server, fresh_database, launch_code, organization, prepare, summary

from spaceport.clients.models import Client
from spaceport.items.models import Item
from spaceport.items.search import search_text
from spaceport.kit.db import Database

WORDS = ["Rocket", "Orbit", "Comet", "Nova", "Apex", "Summit", "Delta", "Vertex", "Nebula",
         "Quasar", "Pulsar", "Zenith", "Lunar", "Solar", "Galaxy", "Meteor", "Stellar", "Cosmic",
         "Astro", "Photon"]  # fmt: skip
TRADES = ["Consulting", "Logistics", "Engineering", "Foods", "Motors", "Software", "Design",
          "Studio", "Labs", "Systems"]  # fmt: skip
GOODS = ["suit", "helmet", "boots", "gloves", "visor", "tank", "valve", "panel", "cable", "lamp"]
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
                name = f"{rng.choice(WORDS)} {rng.choice(GOODS)} {n}"
                sku = f"SKU-{n:06d}"
                session.add(
                    Item(
                        organization_id=organization_id,
                        name=name,
                        sku=sku,
                        price=rng.randint(100, 100000),
                        tax_ids=[],
                        search_text=search_text(name, None, sku),
                    )
                )
    return time.perf_counter() - started


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
    with Server(db) as base, httpx.Client(base_url=base, timeout=60) as http:
        code, account_id = launch_code(http)
        org_id = organization(http, code, account_id)
        seconds = load(db, org_id, rows, seed=11)
        print(
            f"{engine}: {rows:,} clients and {rows:,} items in one organization ({seconds:.0f} s)"
        )
        headers = {"Authorization": code}
        clients = measure(
            http, f"/v1/organizations/{org_id}/search-clients", terms(requests, 1, WORDS), headers
        )
        print(summary("search-clients, 2-6 letters", clients))
        goods = terms(requests, 2, WORDS + GOODS)
        items = measure(http, f"/v1/organizations/{org_id}/search-items", goods, headers)
        print(summary("search-items, 2-6 letters", items))
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
