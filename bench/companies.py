"""Company search at scale: `GET /v1/companies/search` latency over a directory of synthetic
companies, measured through real HTTP (uvicorn on loopback, httpx with keep-alive).

    uv run python bench/companies.py                       # 1,000,000 rows, SQLite
    uv run python bench/companies.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres

The names are synthetic, built from word lists shaped like the registers' (British surnames,
places and trades with LTD/LIMITED/PLC; Slovenian surnames, places and trades with d.o.o./s.p.).
The queries are 2-6 letter prefixes of those words, as someone typing a company name would send
them: most from a name's first word, some from a later word (which the word-prefix stage finds).
The PostgreSQL run creates a database of its own on the given server and drops it afterwards.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from common import (
    Server,
    create_postgres_database,
    drop_postgres_database,
    launch_code,
    percentile,
    prepare,
)
from sqlalchemy import Index, Table, text

from spaceport.companies.models import Company, search_key
from spaceport.kit.db import Database
from spaceport.kit.ids import new_id

GB_FIRST = """Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans
Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James Phillips Mason Mitchell
Rose Cox Hughes Turner Parker Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper
Atlas Apex Summit Pinnacle Horizon Meridian Northern Southern Eastern Western Royal Crown Oak
Maple Cedar Willow Birch Riverside Lakeside Highland Castle Bridge Harbour Phoenix Falcon Eagle
Lion Swift Bright Blue Silver Golden Quantum Vertex Nova Stellar Orbit Rocket Global United
British London Manchester Bristol Leeds Cambridge Oxford Kent Essex Yorkshire Thames Pennine
Cotswold Premier Prime Elite First Alpha Omega Delta Sigma Zenith Crystal Diamond Emerald
Sapphire Amber Granite Iron Steel Copper Atlantic Pacific Coastal Urban Metro County Heritage
Legacy Pioneer Frontier Liberty Victory Unity Harmony Vista Crest Peak Ridge Valley Meadow
Forest Brook Stone Field""".split()
GB_TRADE = """Consulting Logistics Construction Property Properties Holdings Investments
Developments Services Solutions Technologies Trading Engineering Design Media Marketing Foods
Catering Cleaning Electrical Plumbing Roofing Transport Haulage Motors Automotive Care
Healthcare Dental Pharmacy Recruitment Security Finance Capital Ventures Partners Management
Estates Homes Interiors Landscapes Energy Solar Software Digital Systems Networks Telecom Retail
Fashion Beauty Fitness Leisure Travel Events Education Training Publishing Studios Productions
Imports Exports Supplies Manufacturing Textiles Furniture Builders Joinery Scaffolding
Accountants Legal Insurance Wealth Farming Brewing Bakery Coffee Restaurants""".split()
GB_FORM = ["LTD", "LIMITED", "LTD", "LIMITED", "LTD", "LLP", "PLC", "(UK) LTD", "GROUP LIMITED"]
SI_FIRST = """Novak Horvat Kovačič Krajnc Zupančič Potočnik Kovač Mlakar Kos Vidmar Golob Turk
Božič Kralj Korošec Zupan Bizjak Hribar Kotnik Kavčič Rozman Kastelic Oblak Žagar Petek Hočevar
Kolar Košir Koren Klemenčič Zajc Knez Medved Zorko Petrič Jerman Sever Dolenc Rupnik Jereb Alpe
Triglav Sava Drava Soča Mura Kras Pohorje Bled Bohinj Ljubljana Maribor Celje Kranj Koper Ptuj
Velenje Zlati Zeleni Modri Sončni Gorski Lipa Hrast Bukev Smreka Orel Sokol Zvezda Luna Sonce
Iskra Tehno Eko Agro Bio Info Inter Euro Adria Panonija Primorje Štajer Dolenjska Gorenjska
Notranjska Koroška""".split()
SI_TRADE = """gradbeništvo storitve trgovina svetovanje inženiring transport računovodstvo
gostinstvo turizem elektroinstalacije strojništvo mizarstvo avtoservis prevozi nepremičnine
informatika marketing oblikovanje proizvodnja kmetijstvo vinarstvo pekarna logistika
energetika""".split()
SI_FORM = ["d.o.o.", "d.o.o.", "d.o.o.", "d.o.o.", "s.p.", "d.d.", "k.d.", "d.n.o."]
BATCH = 20_000


# --- synthetic directory ----------------------------------------------------------------------


def gb_name(rng: random.Random) -> str:
    words = [rng.choice(GB_FIRST)]
    if rng.random() < 0.3:
        words.append(rng.choice(GB_FIRST))
    words.append(rng.choice(GB_TRADE))
    if rng.random() < 0.2:
        words.append(rng.choice(GB_TRADE))
    return " ".join([*words, rng.choice(GB_FORM)]).upper()


def si_name(rng: random.Random) -> str:
    first = rng.choice(SI_FIRST)
    if rng.random() < 0.3:
        first = first.upper()
    return f"{first} {rng.choice(SI_TRADE)}, {rng.choice(SI_FORM)}"


def synthetic_rows(count: int, seed: int) -> Iterator[dict[str, Any]]:
    """`count` companies, 70 % British, 30 % Slovenian, unique registration numbers."""
    rng = random.Random(seed)
    for i in range(count):
        british = rng.random() < 0.7
        name = gb_name(rng) if british else si_name(rng)
        yield {
            "id": new_id(),
            "name": name,
            "address": f"{rng.randint(1, 200)} {rng.choice(GB_FIRST)} Street",
            "address2": "",
            "city": rng.choice(GB_FIRST if british else SI_FIRST),
            "zip": f"{rng.randint(1000, 9999)}",
            "country": "United Kingdom" if british else "Slovenia",
            "country_code": "GB" if british else "SI",
            "tax_number": "" if british else f"SI{10_000_000 + i}",
            "tax_subject": not british,
            "company_number": f"{i:08d}" if british else f"{1_000_000 + i:07d}000",
            "search_name": search_key(name),
        }


def batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def load(db: Database, count: int, seed: int) -> tuple[float, float]:
    """Bulk insert with the secondary indexes dropped, then build them; the two durations."""
    table = Company.__table__
    assert isinstance(table, Table)
    indexes = [index for index in table.indexes if isinstance(index, Index)]
    for index in indexes:
        index.drop(db.engine)
    started = time.perf_counter()
    insert = table.insert()
    with db.engine.connect() as connection:
        for batch in batches(synthetic_rows(count, seed), BATCH):
            connection.execute(insert, batch)
            connection.commit()
    inserted = time.perf_counter()
    for index in indexes:
        index.create(db.engine)
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    return inserted - started, time.perf_counter() - inserted


def prefixes(count: int, seed: int, first: list[str], trade: list[str]) -> list[str]:
    """2-6 letter prefixes a person might type: 70 % of a name's first word, 30 % of a trade
    word; half the time without accents (search ignores them)."""
    rng = random.Random(seed + 1)
    terms = []
    for _ in range(count):
        word = rng.choice(first if rng.random() < 0.7 else trade)
        if rng.random() < 0.5:
            word = search_key(word)
        terms.append(word[: rng.randint(2, 6)].lower())
    return terms


def measure(base: str, terms: list[str], country: str | None) -> list[tuple[str, float]]:
    """Milliseconds per term, client side: request, search, answer."""
    timings = []
    params: dict[str, str] = {"country": country} if country else {}
    with httpx.Client(base_url=base, timeout=60) as http:
        headers = {"Authorization": launch_code(http)[0]}
        for term in terms[:20]:  # warm up: connections, statement caches, pages
            http.get("/v1/companies/search", params={"term": term, **params}, headers=headers)
        for term in terms:
            started = time.perf_counter()
            response = http.get(
                "/v1/companies/search", params={"term": term, **params}, headers=headers
            )
            timings.append((term, (time.perf_counter() - started) * 1000))
            response.raise_for_status()
    return timings


def report(label: str, timings: list[tuple[str, float]]) -> None:
    ordered = sorted(ms for _term, ms in timings)
    p90, p99 = (percentile(ordered, q) for q in (0.9, 0.99))
    median = statistics.median(ordered)
    print(
        f"  {label:<24} median {median:6.2f} ms   p90 {p90:6.2f} ms   "
        f"p99 {p99:6.2f} ms   max {ordered[-1]:6.2f} ms"
    )
    slowest = sorted(timings, key=lambda timing: timing[1], reverse=True)[:3]
    print(" " * 27 + "slowest: " + ", ".join(f"{t!r} {ms:.0f} ms" for t, ms in slowest))


def run(url: str, engine: str, rows: int, queries: int, seed: int) -> None:
    db = prepare(url)
    try:
        insert_seconds, index_seconds = load(db, rows, seed)
        with db.engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM companies")).scalar_one()
        print(f"{engine}: {count:,} companies")
        print(f"  load {insert_seconds:.1f} s insert + {index_seconds:.1f} s indexes")
        everywhere = prefixes(queries, seed, GB_FIRST + SI_FIRST, GB_TRADE + SI_TRADE)
        with Server(db) as base:
            report(f"{queries} prefixes", measure(base, everywhere, None))
            gb = prefixes(queries, seed, GB_FIRST, GB_TRADE)
            report(f"{queries} prefixes, GB only", measure(base, gb, "GB"))
            si = prefixes(queries, seed, SI_FIRST, SI_TRADE)
            report(f"{queries} prefixes, SI only", measure(base, si, "SI"))
            nowhere = [f"q{word.lower()[:4]}x" for word in GB_FIRST[:50]]
            report(f"{len(nowhere)} terms found nowhere", measure(base, nowhere, None))
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sqlite", type=Path, help="database file (default: a temporary one)")
    parser.add_argument("--postgres", help="also run on this PostgreSQL server (SQLAlchemy URL)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.sqlite or Path(tmp) / "companies.db"
        path.unlink(missing_ok=True)
        run(f"sqlite:///{path}", "SQLite", args.rows, args.queries, args.seed)
    if args.postgres:
        url = create_postgres_database(args.postgres)
        try:
            run(url, "PostgreSQL", args.rows, args.queries, args.seed)
        finally:
            drop_postgres_database(url)


if __name__ == "__main__":
    main()
