"""The web app's pages (WEB §W1.6: under 100 ms with 1,000 documents): every main page, then
New invoice (WEB §W4.3) — the totals htmx asks on every keyup, Add line, and Save as draft — in
an organization with 1,000 documents and 1,000 clients, through real HTTP with a browser's
session (cookie and CSRF token), one request at a time. Times are the client's, so they hold
the server's time and loopback HTTP.

    uv run python bench/web.py                     # SQLite
    uv run python bench/web.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

import httpx
from common import Server, fresh_database, launch_code, organization, prepare, summary

from spaceport.clients.models import Client

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def signed_in(http: httpx.Client, email: str, password: str) -> None:
    form = http.get("/app/login")
    token = CSRF.search(form.text)
    assert token, form.text
    data = {"email": email, "password": password, "csrf_token": token.group(1)}
    answer = http.post("/app/login", data=data)
    assert answer.status_code == 303, answer.text


def lines(count: int) -> dict[str, str]:
    found = {}
    for n in range(count):
        fields = {"name": f"Part {n}", "quantity": "3", "unit": "kos", "price": "12,34"}
        found.update({f"line-{n}-{key}": value for key, value in fields.items()})
    return found


def timed_gets(http: httpx.Client, url: str, count: int) -> list[float]:
    for _ in range(min(10, count)):
        http.get(url).raise_for_status()
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        answer = http.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    return timings


def timed_posts(http: httpx.Client, url: str, data: dict[str, str], count: int) -> list[float]:
    for _ in range(min(10, count)):
        http.post(url, data=data).raise_for_status()
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        answer = http.post(url, data=data)
        timings.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    return timings


def run(url: str, engine: str, documents: int, requests: int) -> None:
    db = prepare(url)
    with Server(db) as base, httpx.Client(base_url=base, timeout=60) as http:
        code, account_id = launch_code(http)
        org_id = organization(http, code, account_id, country="Slovenia")
        headers = {"Authorization": code}
        body = {"_documentClient": {"name": "Moon"}, "_documentItems": [{"name": "a", "price": 1}]}
        for _ in range(documents):
            http.post(f"/v1/organizations/{org_id}/documents", json=body, headers=headers)
        with db.transaction() as session:
            for n in range(1000):
                session.add(Client(organization_id=org_id, name=f"Client {n:04d}"))
        email = http.get(f"/v1/accounts/{account_id}", headers=headers).json()["email"]
        signed_in(http, email, "benchmark")
        last = http.get(f"/v1/organizations/{org_id}/documents", headers=headers)
        one = last.json()[0]["id"]
        base = f"/app/o/{org_id}"
        print(f"{engine}: {documents:,} documents and 1,000 more clients in one organization")
        pages = {
            "/app/ (Organizations)": "/app/",
            "Dashboard": base,
            "Documents, first page": f"{base}/documents",
            "Documents, Search Client 05": f"{base}/documents?q=Client+05",
            "a Document": f"{base}/documents/{one}",
            "Clients, first page": f"{base}/clients",
            "Items": f"{base}/items",
            "Settings": f"{base}/settings",
        }
        for label, path in pages.items():
            print(summary(f"GET {label}", timed_gets(http, path, requests)))
        new = f"{base}/documents/new"
        page = http.get(new)
        page.raise_for_status()
        token = CSRF.search(page.text)
        assert token
        form = {"csrf_token": token.group(1), "client": "Client 0500", "date": "2025-03-03"}
        print(summary("GET New invoice", timed_gets(http, new, requests)))
        for count in (1, 10, 50):
            totals = timed_posts(http, f"{new}/totals", {**form, **lines(count)}, requests)
            print(summary(f"POST …/new/totals, {count} lines", totals))
        added = timed_posts(http, f"{new}/lines", {**form, **lines(10), "action": "add"}, requests)
        print(summary("POST …/new/lines (Add line), 10 lines", added))
        draft = {**form, **lines(10), "action": "draft"}
        saves = []
        for _ in range(requests):
            started = time.perf_counter()
            answer = http.post(new, data=draft, follow_redirects=False)
            saves.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 303, answer.text
        print(summary("POST …/new Save as draft, 10 lines", saves))
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--postgres", help="run on this PostgreSQL server instead of SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, fresh_database(args.postgres, Path(tmp)) as url:
        run(url, "PostgreSQL" if args.postgres else "SQLite", args.documents, args.requests)


if __name__ == "__main__":
    main()
