"""Document throughput through real HTTP against the floor (bench/floor.py), measured in the same
run, alternating A B A B: create a 5-line invoice with taxes for a saved client, GET one
document, list 50 invoices with where and order; each side's median rate and the ratio.

    apt-get install wrk                                  # the load generator
    uv run python bench/documents.py                     # SQLite, one API process
    uv run python bench/documents.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres
    uv run python bench/documents.py --workers 2 --postgres ...   # creates with two processes
    uv run python bench/documents.py --separate-worker   # events' fan-out in its own process

Spaceport runs as `spaceport serve` and the floor under the same uvicorn, each in processes of
their own, on loopback; wrk (one thread, 16 connections) leaves the CPU to the server. Issue
13's targets: create >= 0.10 of the floor, GET >= 0.30, list >= 0.10.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from common import (
    BENCH_SECRET_KEY,
    fresh_database,
    launch_code,
    organization,
    served,
    start_workers,
    stop_workers,
)
from floor import compare, floor_served, wrk

from spaceport.config import Settings

LINES = [
    {"name": f"Part {n}", "quantity": n, "price": 19.99 * n, "_documentItemTaxes": [{"rate": 21}]}
    for n in range(1, 6)
]
LIST = "filter[where][type]=invoice&filter[order]=date%20DESC&filter[limit]=50"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="API processes (both apps)")
    parser.add_argument("--postgres", help="run on this PostgreSQL server instead of SQLite")
    parser.add_argument("--seconds", type=int, default=5, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each side per measure")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", choices=("create", "get", "list"), action="append")
    parser.add_argument(
        "--separate-worker",
        action="store_true",
        help="serve with --no-worker and run the background work in a `spaceport worker`",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is the load generator: apt-get install wrk")
    engine = "PostgreSQL" if args.postgres else "SQLite"
    only = set(args.only or ("create", "get", "list"))
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.postgres, Path(tmp)) as url,
        served(url, args.workers, embedded_worker=not args.separate_worker) as base,
        httpx.Client(base_url=base, timeout=60) as http,
        background(url, args.separate_worker),
    ):
        code, account_id = launch_code(http)
        org_id = organization(http, code, account_id)
        headers = {"Authorization": code}
        client = http.post(
            f"/v1/organizations/{org_id}/clients", headers=headers, data={"name": "Rocket Man"}
        )
        body = {"clientId": client.json()["id"], "_documentItems": LINES}
        for _ in range(50):  # the list has its 50 even when creates are not measured
            stored = http.post(f"/v1/organizations/{org_id}/documents", headers=headers, json=body)
            stored.raise_for_status()
        document = stored.json()
        worker = "a `spaceport worker` apart" if args.separate_worker else "embedded worker"
        print(f"{engine}, {args.workers} API process(es) each, {worker},")
        print(f"wrk {args.connections} connections,", end=" ")
        print(f"{args.rounds} runs of {args.seconds} s per side, alternating; median rates")
        with floor_served(document, args.workers) as floor:
            bases = {"spaceport": base, "floor": floor}

            def measure(path: str, body: object = None) -> object:
                return lambda side: wrk(
                    f"{bases[side]}{path}", args.seconds, args.connections, headers, body
                )

            if "create" in only:
                path = f"/v1/organizations/{org_id}/documents"
                compare("create 5-line invoice", args.rounds, measure(path, body))  # type: ignore[arg-type]
            if "get" in only:
                path = f"/v1/documents/{document['id']}"
                compare("GET one document", args.rounds, measure(path))  # type: ignore[arg-type]
            if "list" in only:
                path = f"/v1/organizations/{org_id}/documents?{LIST}"
                compare("list 50, where + order", args.rounds, measure(path))  # type: ignore[arg-type]


@contextmanager
def background(url: str, separate: bool) -> Iterator[None]:
    """The events' fan-out (webhooks, flows) in one `spaceport worker` process of its own."""
    if not separate:
        yield
        return
    processes = start_workers(Settings(database_url=url, secret_key=BENCH_SECRET_KEY), 1)
    try:
        yield
    finally:
        stop_workers(processes)


if __name__ == "__main__":
    main()
