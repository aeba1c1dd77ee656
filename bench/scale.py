"""How cost grows with an organization's documents (issue 13 items 2 and 3): GET one document,
list 50 invoices with where and order, and count with where, through real HTTP from
`spaceport serve` in a process of its own, with 1,000 documents in the organization and again
with 1,000,000 (bulk inserted with SQLAlchemy Core, as bench/export.py does). Prints each
measure's median and p99 at both sizes and the large size's median over the small one's.

    uv run python bench/scale.py                      # SQLite
    uv run python bench/scale.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres
    uv run python bench/scale.py --large 100000       # a quicker look

Requests are sequential (one connection): latency, not throughput. Issue 13's targets: GET
and list at the large size within 1.5x of the small; count with where under 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import httpx
from common import fresh_database, launch_code, organization, served, summary, timed
from export import load_documents
from sqlalchemy import create_engine, func, select, text

from spaceport.documents.models import Document

LIST = {"filter[where][type]": "invoice", "filter[order]": "date DESC", "filter[limit]": "50"}
# a month of invoices, as a dashboard asks
COUNT = {
    "where[type]": "invoice",
    "where[date][gte]": "2025-06-01",
    "where[date][lt]": "2025-07-01",
}


def sample_ids(url: str, org_id: str, count: int) -> list[str]:
    """`count` documents drawn from all of the organization's, not only the first loaded."""
    engine = create_engine(url)
    with engine.connect() as connection:
        stmt = select(Document.id).where(Document.organization_id == org_id)
        ids = list(connection.scalars(stmt.order_by(func.random()).limit(count)))
    engine.dispose()
    return ids


def analyze(url: str) -> None:
    """Fresh planner statistics after a bulk load, and on PostgreSQL the visibility map too
    (VACUUM: without it an index-only scan still reads every row's page), as a deployment's
    autovacuum would have."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        connection.execute(text("VACUUM ANALYZE" if postgres else "ANALYZE"))
    engine.dispose()


def measure(http: httpx.Client, org_id: str, ids: list[str], requests: int) -> dict[str, float]:
    base = f"/v1/organizations/{org_id}/documents"
    gets = []
    for document_id in ids[:requests]:
        gets.extend(timed(http, f"/v1/documents/{document_id}", 1))
    series = {
        "GET one document": gets,
        "list 50 invoices, where + order": timed(http, base, requests, params=LIST),
        "count with where": timed(http, f"{base}/count", requests, params=COUNT),
    }
    for label, milliseconds in series.items():
        print(summary(label, milliseconds))
    return {label: statistics.median(values) for label, values in series.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="run on this PostgreSQL server instead of SQLite")
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="per measure and size")
    args = parser.parse_args()
    engine = "PostgreSQL" if args.postgres else "SQLite"
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.postgres, Path(tmp)) as url,
        served(url) as base,
        httpx.Client(base_url=base, timeout=120) as http,
    ):
        code, account_id = launch_code(http)
        org_id = organization(http, code, account_id)
        http.headers["Authorization"] = code
        medians = {}
        loaded = 0
        for size in (args.small, args.large):
            seconds = load_documents(url, org_id, size - loaded, first=loaded)
            loaded = size
            analyze(url)
            print(f"{engine}: {size:,} documents in one organization (loaded in {seconds:.0f} s)")
            medians[size] = measure(
                http, org_id, sample_ids(url, org_id, args.requests), args.requests
            )
        print(f"{engine}: median at {args.large:,} over median at {args.small:,}")
        for label, small in medians[args.small].items():
            large = medians[args.large][label]
            print(f"  {label:<40} {small:7.2f} ms -> {large:7.2f} ms   x{large / small:.2f}")


if __name__ == "__main__":
    main()
