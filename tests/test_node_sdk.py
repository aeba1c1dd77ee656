"""The official Node SDK (npm `space-invoices`, COMPAT §1) passes its scenario unchanged
against a live server on loopback: sign up with `new SpaceInvoices(null)` (COMPAT §1.12), log
in, organizations and their Defaults (COMPAT §1.10), clients, documents, payments and PDFs
(`tests/node/scenario.js`).

The SDK is installed with npm into a cache folder (`SPACEPORT_NODE_CACHE`, default
`~/.cache/spaceport/node-sdk`) once; `SPACEPORT_NODE_SDK` may name a folder whose
`node_modules` already holds it. Skipped, saying why, when node or npm is missing or the
registry has no such package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import LiveServer

SCENARIO = Path(__file__).parent / "node" / "scenario.js"
PACKAGE = "space-invoices"
CACHE = Path(
    os.environ.get("SPACEPORT_NODE_CACHE", Path.home() / ".cache" / "spaceport" / "node-sdk")
)


def sdk_folder(npm: str) -> Path:
    """A folder whose `node_modules` holds the SDK, installed there if it is not yet."""
    given = os.environ.get("SPACEPORT_NODE_SDK")
    folder = Path(given) if given else CACHE
    if (folder / "node_modules" / PACKAGE / "package.json").exists():
        return folder
    if given:
        pytest.fail(f"SPACEPORT_NODE_SDK={given} has no node_modules/{PACKAGE}")
    folder.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder), PACKAGE]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    said = done.stdout + done.stderr
    if done.returncode != 0 and "E404" in said:
        pytest.skip(f"the npm registry answers 404 for {PACKAGE!r}: the SDK cannot be installed")
    assert done.returncode == 0, said
    return folder


def test_the_node_sdk_scenario_passes(live_server: LiveServer) -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run the official Node SDK")
    folder = sdk_folder(npm)
    environment = {**os.environ, "NODE_PATH": str(folder / "node_modules")}
    done = subprocess.run(
        [node, str(SCENARIO), live_server.url],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["pdf"] > 1000
