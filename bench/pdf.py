"""PDF speed (reference "Retrieve a Document PDF"): median and p99 render time of a one-page and a
five-page invoice, cold (cache cleared) and cached, and pages per second with concurrent requests.

    uv run python bench/pdf.py                # SQLite
    uv run python bench/pdf.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres

"render" is typst alone in this process (the API answer in, PDF bytes out); "HTTP" is
`GET /v1/documents/:id/pdf` through a uvicorn server on loopback, the cold figures with the
PDF cache cleared before each request. Throughput runs against `spaceport serve` in processes
of its own: every request of the cold run is a distinct (document, language) pair, so none
is served from the cache; the cached run then repeats them.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from common import Server, fresh_database, launch_code, organization, prepare, served, summary
from pypdf import PdfReader

from spaceport.kit.db import Base, Database
from spaceport.models import import_all_models
from spaceport.pdf import render
from spaceport.pdf.labels import LANGUAGES

FIVE_PAGE_LINES = 135  # about 28 lines a page (half with descriptions); pypdf counts them


def lines(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """Distinct names per seed: typst memoizes layout, so repeated content would flatter it."""
    return [
        {
            "name": f"Part {n}-{seed}",
            "description": "Titanium, anodized" if n % 2 else "",
            "quantity": n % 7 + 1,
            "unit": "pcs",
            "price": 19.99 * n,
            "_documentItemTaxes": [{"rate": 21}],
        }
        for n in range(1, count + 1)
    ]


def invoice(
    http: httpx.Client, code: str, org_id: str, count: int, seed: int = 0
) -> dict[str, Any]:
    body = {
        "_documentClient": {"name": "Rocket Man", "address": "Moon base 1", "country": "UK"},
        "_documentItems": lines(count, seed),
        "note": "Please pay [document number] to [IBAN].",
    }
    response = http.post(
        f"/v1/organizations/{org_id}/documents", json=body, headers={"Authorization": code}
    )
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def measure(count: int, action: Callable[[int], object]) -> list[float]:
    for n in range(3):
        action(n)
    timings = []
    for n in range(count):
        started = time.perf_counter()
        action(n)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def latency(base: str, code: str, org_id: str, count: int) -> None:
    with httpx.Client(base_url=base, timeout=120, headers={"Authorization": code}) as http:
        http.patch(f"/v1/organizations/{org_id}", json={"IBAN": "BE71096123456769"})
        for label, size in (("one-page", 8), ("five-page", FIVE_PAGE_LINES)):
            documents = [invoice(http, code, org_id, size, seed) for seed in range(count + 3)]
            first = http.get(f"/v1/documents/{documents[0]['id']}/pdf?l=en").content
            print(f"{label} invoice: {size} lines, {pages(first)} pages")
            figures(http, documents, count)


def figures(http: httpx.Client, documents: list[dict[str, Any]], count: int) -> None:
    """Cold: each request renders another document (the cache cleared as well); cached: the
    same document again and again."""
    sources = [render.Source(document=d, language="en") for d in documents]
    print(
        summary("render (typst, in process)", measure(count, lambda n: render.render(sources[n])))
    )

    def get(n: int) -> None:
        render.CACHE.clear()
        http.get(f"/v1/documents/{documents[n]['id']}/pdf?l=en").raise_for_status()

    def again(_n: int) -> None:
        http.get(f"/v1/documents/{documents[0]['id']}/pdf?l=en").raise_for_status()

    print(summary("HTTP cold (cache cleared)", measure(count, get)))
    print(summary("HTTP cached", measure(count, again)))


def throughput(url: str, workers: int, concurrency: int, documents: int) -> None:
    with served(url, workers) as base, httpx.Client(base_url=base, timeout=120) as http:
        code, account_id = launch_code(http)
        org_id = organization(http, code, account_id)
        ids = [invoice(http, code, org_id, 8, seed)["id"] for seed in range(documents)]
        urls = [f"/v1/documents/{i}/pdf?l={lang}" for i in ids for lang in LANGUAGES]

        def fetch(chunk: list[str]) -> int:
            with httpx.Client(base_url=base, timeout=120) as client:
                for path in chunk:
                    client.get(path, headers={"Authorization": code}).raise_for_status()
            return len(chunk)

        chunks = [urls[n::concurrency] for n in range(concurrency)]
        for label in ("cold", "cached"):
            started = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                done = sum(pool.map(fetch, chunks))
            seconds = time.perf_counter() - started
            print(
                f"  {label:<6} {done} one-page PDFs, {concurrency} concurrent, {workers} "
                f"process(es): {done / seconds:7.1f} pages per second"
            )


def missing_tables(url: str) -> None:
    """organization_images has no migration yet (tests/conftest does the same)."""
    database = Database(url)
    import_all_models()
    Base.metadata.create_all(database.engine)
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100, help="requests per latency figure")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="API processes for throughput")
    parser.add_argument(
        "--documents", type=int, default=30, help="× 7 languages (within the 256-PDF cache)"
    )
    parser.add_argument("--postgres", help="run on this PostgreSQL server instead of SQLite")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as directory,
        fresh_database(args.postgres, Path(directory)) as url,
    ):
        missing_tables(url)
        print("Latency (one request at a time):")
        with Server(prepare(url)) as base, httpx.Client(base_url=base) as http:
            code, account_id = launch_code(http)
            latency(base, code, organization(http, code, account_id), args.count)
        print("Throughput:")
        throughput(url, args.workers, args.concurrency, args.documents)


if __name__ == "__main__":
    main()
