"""The server's secret key (kit/sealing.py; secrets encrypted at rest): generated once beside a
SQLite database, refused when missing on PostgreSQL or weak, rotated with older keys listed after
the current one; rotation keeps webhook secrets that still sign verifiable deliveries."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import select

from spaceport.app import create_app
from spaceport.config import Settings
from spaceport.jobs.worker import Worker
from spaceport.kit import sealing
from spaceport.kit.db import Base, Database
from spaceport.webhooks import sealed
from spaceport.webhooks.models import Webhook
from tests.conftest import TEST_SECRET_KEY, Api
from tests.webhooks.conftest import (  # noqa: F401 - fixtures
    Receiver,
    create_client,
    create_hook,
    hook_settings,
    receiver,
    settle,
    worker,
)

OLD_KEY = "an-older-key-that-sealed-the-first-secrets-0001"
NEW_KEY = "the-current-key-every-secret-is-sealed-under-0002"


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'spaceport.db'}"


def test_sqlite_without_a_key_generates_one_once_and_keeps_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = sqlite_url(tmp_path)
    with caplog.at_level(logging.WARNING, logger="spaceport"):
        first = create_app(Settings(database_url=url, secret_key="")).state.settings.secret_key
    key_file = tmp_path / "spaceport.db.key"
    assert key_file.read_text().strip() == first and len(first) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert str(key_file) in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="spaceport"):
        again = create_app(Settings(database_url=url, secret_key="")).state.settings.secret_key
    assert again == first and caplog.text == ""  # a restart uses the same key, silently
    assert [p.name for p in tmp_path.iterdir() if "key" in p.name] == ["spaceport.db.key"]


def test_a_started_server_refuses_postgresql_without_a_key(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SPACEPORT_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none",
        "SPACEPORT_SECRET_KEY": "",
    }
    started = subprocess.run(
        [sys.executable, "-m", "spaceport.cli", "serve", "--port", "9"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 2
    assert "SPACEPORT_SECRET_KEY is not set" in started.stderr


@pytest.mark.parametrize("weak", ["change-me", "short-key", "x" * 31, f"change-me,{NEW_KEY}"])
def test_weak_current_keys_are_refused(tmp_path: Path, weak: str) -> None:
    with pytest.raises(sealing.SecretKeyError, match="at least 32 bytes"):
        create_app(Settings(database_url=sqlite_url(tmp_path), secret_key=weak))


def test_older_keys_open_but_only_the_current_key_seals() -> None:
    old = sealing.seal("whsec", OLD_KEY)
    both = f"{NEW_KEY},{OLD_KEY}"
    assert sealing.unseal(old, both) == "whsec"
    assert sealing.unseal(sealing.seal("whsec", both), NEW_KEY) == "whsec"
    with pytest.raises(InvalidToken):
        sealing.unseal(old, NEW_KEY)


def stored_secret(database: Database, webhook_id: str) -> str:
    with database.transaction(write=False) as session:
        found = session.scalar(select(Webhook.secret).where(Webhook.id == webhook_id))
        assert found is not None
        return found


def test_rotation_reseals_webhook_secrets_that_still_sign_deliveries(
    api: Api,
    organization: dict[str, Any],
    database: Database,
    receiver: Receiver,  # noqa: F811 - the fixture
    worker: Worker,  # noqa: F811 - the fixture
    hook_settings: Settings,  # noqa: F811 - the fixture
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    monkeypatch.setattr(hook_settings, "secret_key", OLD_KEY)
    hook = create_hook(api, organization["id"], receiver.url(), "client/create")
    before = stored_secret(database, hook["id"])
    assert sealed.unseal(before, OLD_KEY) == hook["secret"]
    # The session's database also holds other tests' secrets, sealed under the tests' key: the
    # rotation may decrypt those too, and they are sealed back under it at the end.
    assert sealing.rotate_all(database, Base, f"{NEW_KEY},{OLD_KEY},{TEST_SECRET_KEY}") >= 1
    request.addfinalizer(lambda: sealing.rotate_all(database, Base, f"{TEST_SECRET_KEY},{NEW_KEY}"))
    after = stored_secret(database, hook["id"])
    assert after != before and sealed.unseal(after, NEW_KEY) == hook["secret"]
    with pytest.raises(InvalidToken):
        sealed.unseal(after, OLD_KEY)
    monkeypatch.setattr(hook_settings, "secret_key", NEW_KEY)  # the older key is dropped
    create_client(api, organization["id"], "Rotated")
    settle(worker, database, hook["id"])
    (received,) = receiver.at("/hook")
    timestamp, digest = received.headers["X-Spaceport-Signature"].split(",")
    signed = f"{timestamp[2:]}.".encode() + received.body
    expected = hmac.new(hook["secret"].encode(), signed, hashlib.sha256).hexdigest()
    assert digest == f"v1={expected}"
