"""The floor: what any Python API on this stack pays before doing work (issue 13).

A bare FastAPI app under the same uvicorn as `spaceport serve` (same workers, no access log, no
Date header), its endpoints async (the least the stack costs): it parses the JSON body a create
sends into a dict and answers a stored document, answers that document by id, and answers a
list of 50 of it, each encoded by orjson.
Benchmarks measure it in the same run as Spaceport, alternating A B A B, and print the ratio
(`compare`): the machine is shared, so absolute rates drift, ratios much less.

The load comes from wrk (`apt-get install wrk`: a C load generator that leaves the CPU to the
server).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import orjson
from common import free_port, running
from fastapi import Body, FastAPI
from fastapi.responses import Response

STORED = "FLOOR_DOCUMENT"  # the file holding the document the floor answers


class Json(Response):
    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def create_app() -> FastAPI:
    stored = orjson.loads(Path(os.environ[STORED]).read_bytes())
    app = FastAPI(default_response_class=Json)

    @app.post("/v1/organizations/{organization_id}/documents")
    async def create(organization_id: str, body: Annotated[dict[str, Any], Body()]) -> Json:
        return Json({**stored, "organizationId": organization_id}, status_code=200)

    @app.get("/v1/documents/{document_id}")
    async def get(document_id: str) -> Json:
        return Json({**stored, "id": document_id})

    @app.get("/v1/organizations/{organization_id}/documents")
    async def find(organization_id: str) -> Json:
        return Json([stored] * 50)

    @app.get("/health")
    def health() -> Json:
        return Json({"status": "ok"})

    return app


@contextmanager
def floor_served(document: dict[str, Any], workers: int = 1) -> Iterator[str]:
    """The floor app in processes of its own, under uvicorn as `spaceport serve` runs it."""
    port = free_port()
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as stored:
        stored.write(orjson.dumps(document))
    command = [sys.executable, "-m", "uvicorn", "floor:create_app", "--factory"]
    options = ["--app-dir", str(Path(__file__).parent), "--port", str(port)]
    quiet = ["--workers", str(workers), "--no-access-log", "--no-date-header"]
    quiet += ["--log-level", "warning"]
    env = {**os.environ, STORED: stored.name}
    try:
        with running([*command, *options, *quiet], env, port, "the floor") as base:
            yield base
    finally:
        os.unlink(stored.name)


WRK_LINE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$")
WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Run:
    rate: float  # requests per second
    median: float  # ms
    p99: float  # ms
    failed: int  # answers other than 2xx or 3xx


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str], body: Any) -> Run:
    """One wrk run (one thread: the CPU is left to the server)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        for name, value in headers.items():
            script.write(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}\n")
        if body is not None:
            script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
            script.write(f"wrk.body = {json.dumps(json.dumps(body))}\n")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name]
    try:
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latency = {
        m.group(1): float(m.group(2)) * WRK_UNITS[m.group(3)]
        for m in map(WRK_LINE.match, output.splitlines())
        if m
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Run(rate, latency["50"], latency["99"], int(errors.group(1)) if errors else 0)


def compare(label: str, rounds: int, measure: Callable[[str], Run]) -> float:
    """Spaceport (A) and the floor (B) measured alternately, A B A B ..., `rounds` each; prints
    both medians and their ratio, and answers the ratio."""
    spaceport: list[Run] = []
    floor: list[Run] = []
    for _ in range(rounds):
        spaceport.append(measure("spaceport"))
        floor.append(measure("floor"))
    ours = statistics.median(r.rate for r in spaceport)
    theirs = statistics.median(r.rate for r in floor)
    latency = statistics.median(r.median for r in spaceport)
    failed = sum(r.failed for r in spaceport) + sum(r.failed for r in floor)
    if failed:
        raise RuntimeError(f"{label}: {failed} answers were not 2xx; the figures mean nothing")
    rates = " ".join(f"{r.rate:.0f}" for r in spaceport)
    print(
        f"  {label:<28} Spaceport {ours:7.1f}/s (median {latency:6.2f} ms)   "
        f"floor {theirs:7.1f}/s   ratio {ours / theirs:5.3f}   (Spaceport's runs: {rates})"
    )
    return ours / theirs
