"""The quick start: `spaceport serve` migrates an empty database and answers over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import free_port


def test_serve_creates_the_database_and_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "SPACEPORT_DATABASE_URL": f"sqlite:///{tmp_path / 'quick.db'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "spaceport.cli", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        http = httpx.Client(timeout=60)  # generous: a loaded CI machine is slow, never wrong
        deadline = time.monotonic() + 120
        while True:
            try:
                if http.get(f"{base}/health").json() == {"status": "ok"}:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        signup = http.post(
            f"{base}/v1/accounts", data={"email": "a@example.com", "password": "launchpad-42"}
        )
        assert signup.status_code == 200
        assert "date" in signup.headers
        login = http.post(
            f"{base}/v1/accounts/login", data={"email": "a@example.com", "password": "launchpad-42"}
        )
        org = http.post(
            f"{base}/v1/accounts/{signup.json()['id']}/organizations",
            headers={"Authorization": login.json()["id"]},
            data={"name": "ISA", "country": "Belgium"},
        )
        assert org.json()["countryAlpha2Code"] == "BE"
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert (tmp_path / "quick.db").exists()


def test_secrets_rotate_reseals_under_the_current_key(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SPACEPORT_DATABASE_URL": f"sqlite:///{tmp_path / 'rotate.db'}",
        "SPACEPORT_SECRET_KEY": "the-current-key-of-at-least-32-bytes,an-older-key",
    }
    rotated = subprocess.run(
        [sys.executable, "-m", "spaceport.cli", "secrets", "rotate"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rotated.returncode == 0, rotated.stderr
    assert "re-sealed 0 secrets under the current key" in rotated.stdout
