"""Noisy neighbours (one organization never waits for another): the latency of one organization's
small writes (a client created, one at a time) alone, while 8 clients flood another account with
wrong-password logins, and while another organization creates 5,000-line documents back to
back.

    uv run python bench/neighbours.py
    uv run python bench/neighbours.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres

The server runs as `spaceport serve` (one API process, no rate limits: the flood reaches the
password check) on loopback. The noise comes from threads of this process with httpx; every
phase is bounded in requests and in time.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from common import fresh_database, launch_code, organization, served, summary

FLOOD_CLIENTS = 8
LINES = 5_000
PHASE_SECONDS = 60.0


def big_document() -> dict[str, object]:
    return {
        "_documentClient": {"name": "Big Buyer", "country": "Belgium"},
        "_documentItems": [
            {"name": f"Part {n}", "quantity": 1 + n % 7, "price": 1.5 + n % 100, "unit": "pc"}
            for n in range(LINES)
        ],
    }


def bystander(base: str, code: str, org_id: str, count: int) -> list[float]:
    """`count` small writes of the bystander's organization, one at a time, in ms."""
    timings = []
    deadline = time.monotonic() + PHASE_SECONDS
    with httpx.Client(base_url=base, headers={"Authorization": code}, timeout=60) as http:
        for n in range(count):
            started = time.perf_counter()
            response = http.post(f"/v1/organizations/{org_id}/clients", data={"name": f"C{n}"})
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            if time.monotonic() > deadline:
                break
    return timings


def noise(threads: int, make: Callable[[httpx.Client], None], base: str) -> Callable[[], int]:
    """Start `threads` threads calling `make` until the returned `stop` is called; `stop`
    answers how many calls they made."""
    done = threading.Event()
    counts = [0] * threads

    def run(index: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            while not done.is_set():
                make(http)
                counts[index] += 1

    workers = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(1.0)  # the noise is under way before the bystander starts

    def stop() -> int:
        done.set()
        for worker in workers:
            worker.join(timeout=PHASE_SECONDS)
        return sum(counts)

    return stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--writes", type=int, default=300, help="bystander writes per phase")
    args = parser.parse_args()
    engine = "PostgreSQL" if args.postgres else "SQLite"
    with (
        tempfile.TemporaryDirectory() as directory,
        fresh_database(args.postgres, Path(directory)) as url,
        served(url) as base,
    ):
        with httpx.Client(base_url=base, timeout=60) as http:
            code, account_id = launch_code(http)
            org_id = organization(http, code, account_id)
            big_code, big_account = launch_code(http)
            big_org = organization(http, big_code, big_account)
            victim = f"victim-{uuid.uuid4().hex[:8]}@example.com"
            http.post("/v1/accounts", data={"email": victim, "password": "the real one"})
        bystander(base, code, org_id, 20)  # warm-up
        print(f"bystander: one small write at a time ({engine}, one API process)")
        print(summary("alone", bystander(base, code, org_id, args.writes)))

        def guess(http: httpx.Client) -> None:
            answer = http.post("/v1/accounts/login", data={"email": victim, "password": "guess"})
            assert answer.status_code == 401, answer.text

        stop = noise(FLOOD_CLIENTS, guess, base)
        started = time.perf_counter()
        during = bystander(base, code, org_id, args.writes)
        logins = stop() / (time.perf_counter() - started)
        print(summary(f"during a login flood ({FLOOD_CLIENTS} clients)", during))
        print(f"  {'':<40} ({logins:.0f} wrong-password logins per second)")

        body = big_document()
        creates: list[float] = []

        def create(http: httpx.Client) -> None:
            started = time.perf_counter()
            answer = http.post(
                f"/v1/organizations/{big_org}/documents",
                json=body,
                headers={"Authorization": big_code},
            )
            creates.append((time.perf_counter() - started) * 1000)
            answer.raise_for_status()

        stop = noise(1, create, base)
        during = bystander(base, code, org_id, args.writes)
        stop()
        print(summary(f"during {LINES:,}-line creates", during))
        print(summary(f"  the {LINES:,}-line creates themselves", creates))


if __name__ == "__main__":
    main()
