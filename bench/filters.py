"""The filter language at scale: 100,000 clients in one organization, listed with a `where` on
an indexed property, an `order` and `limit 50`, and counted, through real HTTP.

    uv run python bench/filters.py                     # SQLite
    uv run python bench/filters.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import httpx
from common import Server, fresh_database, launch_code, organization, prepare, summary, timed

from spaceport.clients.models import Client

CITIES = ["Ljubljana", "Maribor", "Celje", "Kranj", "Koper", "Brussels", "Antwerp", "Ghent",
          "London", "Leeds", "Paris", "Lyon", "Berlin", "Munich", "Vienna", "Graz", "Rome",
          "Milan", "Madrid", "Prague"]  # fmt: skip
WORDS = ["Rocket", "Orbit", "Comet", "Nova", "Apex", "Summit", "Delta", "Vertex", "Nebula",
         "Quasar", "Pulsar", "Zenith"]  # fmt: skip


def load_clients(url: str, organization_id: str, count: int, seed: int) -> float:
    rng = random.Random(seed)
    db = prepare(url)
    started = time.perf_counter()
    for start in range(0, count, 5000):
        with db.transaction() as session:
            for n in range(start, min(count, start + 5000)):
                name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {n}"
                session.add(
                    Client(
                        organization_id=organization_id,
                        name=name,
                        city=rng.choice(CITIES),
                        email=f"client{n}@example.com",
                        country="Slovenia",
                    )
                )
    db.dispose()
    return time.perf_counter() - started


def run(url: str, engine: str, rows: int, requests: int) -> None:
    db = prepare(url)
    with Server(db) as base, httpx.Client(base_url=base, timeout=60) as http:
        code, account_id = launch_code(http)
        org_id = organization(http, code, account_id)
        seconds = load_clients(url, org_id, rows, seed=7)
        print(f"{engine}: {rows:,} clients in one organization, loaded in {seconds:.1f} s")
        headers = {"Authorization": code}
        listing = {
            "filter[where][city]": "Ljubljana",
            "filter[order]": "name ASC",
            "filter[limit]": "50",
        }
        url_list = f"/v1/organizations/{org_id}/clients"
        print(
            summary(
                "list: where city, order name, limit 50",
                timed(http, url_list, requests, params=listing, headers=headers),
            )
        )
        print(
            summary(
                "count: where city",
                timed(
                    http,
                    f"{url_list}/count",
                    requests,
                    params={"where[city]": "Ljubljana"},
                    headers=headers,
                ),
            )
        )
        print(summary("count: all", timed(http, f"{url_list}/count", requests, headers=headers)))
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
