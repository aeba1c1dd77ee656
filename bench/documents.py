"""Document throughput through real HTTP: concurrent clients create 5-line invoices with taxes
for a saved client, then read one document and a filtered list of 50.

    uv run python bench/documents.py                     # SQLite, one API process
    uv run python bench/documents.py --workers 2 \
        --postgres postgresql+psycopg://postgres@127.0.0.1/postgres

The server runs as `spaceport serve` in processes of its own. The load comes from wrk when it
is installed (`apt-get install wrk`: a C load generator that leaves the CPU to the server),
else from asyncio tasks in this process, which on a 2-core machine measure the load generator
as much as the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from common import fresh_database, launch_code, organization, served, summary

LINES = [
    {"name": f"Part {n}", "quantity": n, "price": 19.99 * n, "_documentItemTaxes": [{"rate": 21}]}
    for n in range(1, 6)
]


async def hammer(base: str, count: int, concurrency: int, send: Any) -> tuple[float, list[float]]:
    """`count` requests from `concurrency` tasks; the wall time and each request's ms."""
    timings: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(count):
        queue.put_nowait(n)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:

        async def worker() -> None:
            while not queue.empty():
                n = queue.get_nowait()
                started = time.perf_counter()
                response = await send(http, n)
                timings.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, timings


def report(label: str, seconds: float, timings: list[float]) -> None:
    print(f"{summary(label, timings)}   {len(timings) / seconds:8.1f} per second")


WRK_LINE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$")
WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: int, concurrency: int, headers: dict[str, str], body: Any = None) -> str:
    """One wrk run: requests per second, median and p99 latency, and non-2xx answers."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        for name, value in headers.items():
            script.write(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}\n")
        if body is not None:
            script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
            script.write(f"wrk.body = {json.dumps(json.dumps(body))}\n")
    command = [
        "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        script.name,
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latency = {
        m.group(1): float(m.group(2)) * WRK_UNITS[m.group(3)]
        for m in map(WRK_LINE.match, output.splitlines())
        if m
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = f", {errors.group(1)} non-2xx" if errors else ""
    timing = f"median {latency['50']:7.2f} ms   p99 {latency['99']:7.2f} ms"
    return f"{timing}   {rate:8.1f} per second{failed}"


def run_wrk(base: str, seconds: int, concurrency: int) -> None:
    with httpx.Client(base_url=base, timeout=60) as http:
        code, account_id = launch_code(http)
        org_id = organization(http, code, account_id)
        headers = {"Authorization": code}
        client = http.post(
            f"/v1/organizations/{org_id}/clients", headers=headers, data={"name": "Rocket Man"}
        )
        body = {"clientId": client.json()["id"], "_documentItems": LINES}
        url = f"{base}/v1/organizations/{org_id}/documents"
        created = wrk(url, seconds, concurrency, headers, body)
        print(f"  create 5-line invoice ({concurrency} connections)  {created}")
        first = http.get(url, headers=headers, params={"filter[limit]": "1"}).json()[0]["id"]
        read = wrk(f"{base}/v1/documents/{first}", seconds, concurrency, headers)
        print(f"  GET a document ({concurrency} connections)         {read}")
        listing = f"{url}?filter[where][type]=invoice&filter[order]=date%20DESC&filter[limit]=50"
        listed = wrk(listing, seconds, concurrency, headers)
        print(f"  list 50 invoices ({concurrency} connections)       {listed}")


async def run(base: str, count: int, concurrency: int) -> None:
    with httpx.Client(base_url=base, timeout=60) as http:
        code, account_id = launch_code(http)
        org_id = organization(http, code, account_id)
        headers = {"Authorization": code}
        client = http.post(
            f"/v1/organizations/{org_id}/clients", headers=headers, data={"name": "Rocket Man"}
        )
        client_id = client.json()["id"]
    body = {"clientId": client_id, "_documentItems": LINES}
    url = f"/v1/organizations/{org_id}/documents"

    async def create(http: httpx.AsyncClient, _n: int) -> httpx.Response:
        return await http.post(url, headers=headers, json=body)

    seconds, timings = await hammer(base, count, concurrency, create)
    report(f"create 5-line invoice ({concurrency} concurrent)", seconds, timings)
    async with httpx.AsyncClient(base_url=base) as reader:
        listed = await reader.get(url, headers=headers, params={"filter[limit]": "1"})
        document_id = listed.json()[0]["id"]

    async def get(http: httpx.AsyncClient, _n: int) -> httpx.Response:
        return await http.get(f"/v1/documents/{document_id}", headers=headers)

    seconds, timings = await hammer(base, count, concurrency, get)
    report(f"GET a document ({concurrency} concurrent)", seconds, timings)
    params = {"filter[where][type]": "invoice", "filter[order]": "date DESC", "filter[limit]": "50"}

    async def find(http: httpx.AsyncClient, _n: int) -> httpx.Response:
        return await http.get(url, headers=headers, params=params)

    seconds, timings = await hammer(base, count // 4, concurrency, find)
    report(f"list 50 invoices ({concurrency} concurrent)", seconds, timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="API processes")
    parser.add_argument("--postgres", help="run on this PostgreSQL server instead of SQLite")
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    args = parser.parse_args()
    engine = "PostgreSQL" if args.postgres else "SQLite"
    with tempfile.TemporaryDirectory() as tmp, fresh_database(args.postgres, Path(tmp)) as url:
        print(f"{engine}, {args.workers} API process(es)")
        with served(url, args.workers) as base:
            if shutil.which("wrk"):
                run_wrk(base, args.seconds, args.concurrency)
            else:
                asyncio.run(run(base, args.count, args.concurrency))


if __name__ == "__main__":
    main()
