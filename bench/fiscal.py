"""Fiscalized invoice creates through real HTTP against the loopback FURS server of the tests
(tests/fiscal/furs.py: mutual TLS, every JWS verified): creates per second, and the latency the
FURS round trip adds (a fiscalized create against the same create with `_furs: {"skip": true}`,
FISCAL §S8.6, which FURS never sees).

    uv run python bench/fiscal.py                     # SQLite
    uv run python bench/fiscal.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from common import BENCH_SECRET_KEY, UNLIMITED, free_port, fresh_database, prepare, summary

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' FURS server

from spaceport.app import create_app  # noqa: E402
from spaceport.config import Settings  # noqa: E402
from tests.fiscal.certificates import issue, organization_subject, pkcs12_of  # noqa: E402
from tests.fiscal.conftest import INVOICE, OPERATOR, REAL_ESTATE  # noqa: E402
from tests.fiscal.furs import FursServer  # noqa: E402


def serve(settings: Settings, database_url: str) -> tuple[uvicorn.Server, str]:
    port = free_port()
    app = create_app(settings, prepare(database_url))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", date_header=False)
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def set_up(http: httpx.Client, furs: FursServer) -> tuple[dict[str, str], str]:
    """An account with the operator's data and a café that verifies (FISCAL §S7)."""
    account = {"email": "bench-fiscal@example.com", "password": "benchmark"}
    account_id = http.post("/v1/accounts", data=account).json()["id"]
    headers = {"Authorization": http.post("/v1/accounts/login", data=account).json()["id"]}
    http.patch(f"/v1/accounts/{account_id}", json=OPERATOR, headers=headers).raise_for_status()
    cafe = {"name": "Kavarna", "country": "Slovenia", "taxNumber": "SI10000001"}
    org = http.post(f"/v1/accounts/{account_id}/organizations", headers=headers, data=cafe)
    oid = org.json()["id"]
    identity = issue(furs.ca, organization_subject())
    upload = {"certificate": ("furs.p12", pkcs12_of(identity, b"geslo"))}
    http.post(f"/v1/organizations/{oid}/upload-certificate?type=furs",
              headers={**headers, "passphrase": "geslo"},
              files=upload).raise_for_status()  # fmt: skip
    premise = http.post(f"/v1/organizations/{oid}/businesspremises", json=REAL_ESTATE,
                        headers=headers)  # fmt: skip
    premise.raise_for_status()
    http.post(f"/v1/businessPremises/{premise.json()['id']}/electronicDevices",
              json={"electronicDeviceId": "D1"}, headers=headers).raise_for_status()  # fmt: skip
    http.post(f"/v1/organizations/{oid}/defaults", json={"name": "furs_verifying", "value": True},
              headers=headers).raise_for_status()  # fmt: skip
    return headers, oid


def creates(
    http: httpx.Client, url: str, headers: dict[str, str], count: int, body: Any
) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        answer = http.post(url, json=body, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    furs = FursServer()
    with tempfile.TemporaryDirectory() as folder:
        with fresh_database(args.postgres, Path(folder)) as database_url:
            settings = Settings(
                database_url=database_url, rate_limit=UNLIMITED, secret_key=BENCH_SECRET_KEY,
                login_rate_limit_email=UNLIMITED, login_rate_limit_address=UNLIMITED,
                furs_test_url=furs.url, furs_production_url=furs.url, furs_ca_file=furs.ca_file,
            )  # fmt: skip
            server, base = serve(settings, database_url)
            with httpx.Client(base_url=base, timeout=60) as http:
                headers, oid = set_up(http, furs)
                url = f"/v1/organizations/{oid}/documents"
                creates(http, url, headers, 10, INVOICE)  # warm-up
                skipped = creates(
                    http, url, headers, args.count, {**INVOICE, "_furs": {"skip": True}}
                )
                fiscal = creates(http, url, headers, args.count, INVOICE)
                started = time.perf_counter()
                with ThreadPoolExecutor(args.concurrency) as pool:
                    for _ in [pool.submit(creates, http, url, headers, 1, INVOICE)
                              for _ in range(args.count)]:  # fmt: skip
                        _.result()
                wall = time.perf_counter() - started
            server.should_exit = True
            engine = "PostgreSQL" if args.postgres else "SQLite"
            print(f"{engine}, {args.count} creates each, FURS on loopback (mutual TLS):")
            print(summary("skipped (no FURS call)", skipped))
            print(summary("fiscalized, one at a time", fiscal))
            added = statistics.median(fiscal) - statistics.median(skipped)
            print(f"  added by the FURS round trip (median)   {added:7.2f} ms")
            rate = args.count / wall
            print(f"  fiscalized creates per second, {args.concurrency} clients: {rate:7.1f}")
            print(f"  FURS received {len(furs.invoices())} invoices")
    furs.down()


if __name__ == "__main__":
    main()
