"""Settings: retry-delay lists (`SPACEPORT_MAIL_RETRY_DELAYS`, `SPACEPORT_WEBHOOK_RETRY_DELAYS`)
are parsed once into typed delays by one validator and rejected alike when malformed, with a
startup error that names the variable (COMPAT §8.2: webhook retries 2, 4 and 8 minutes)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from spaceport.config import Settings, delays

ROOT = Path(__file__).resolve().parents[1]
DELAY_SETTINGS = ["mail_retry_delays", "webhook_retry_delays", "furs_retry_delays"]
MALFORMED = {
    "": "no delay given",
    "60,,300": "item 2 is empty",
    "60,300,": "item 3 is empty",
    "-5": "item 1 ('-5') is negative",
    "60,-0.5": "item 2 ('-0.5') is negative",
    "abc": "item 1 ('abc') is not a number of seconds",
    "60;300": "item 1 ('60;300') is not a number of seconds",
    "1e3": "item 1 ('1e3') is not a number of seconds",
    "nan": "item 1 ('nan') is not a number of seconds",
    "1_000": "item 1 ('1_000') is not a number of seconds",
}


def variable(field: str) -> str:
    return f"SPACEPORT_{field.upper()}"


def test_the_defaults_are_the_documented_delays(monkeypatch: pytest.MonkeyPatch) -> None:
    for field in DELAY_SETTINGS:
        monkeypatch.delenv(variable(field), raising=False)
    defaults = Settings()
    assert defaults.mail_retry_delays == tuple(timedelta(seconds=s) for s in (60, 300, 1800))
    minutes = (2, 4, 8)  # COMPAT §8.2: the reference's 2, 4 and 8 minutes
    assert defaults.webhook_retry_delays == tuple(timedelta(minutes=m) for m in minutes)
    # FISCAL §S2: `60,300,900,3600`
    assert defaults.furs_retry_delays == tuple(timedelta(seconds=s) for s in (60, 300, 900, 3600))


@pytest.mark.parametrize("field", DELAY_SETTINGS)
def test_delays_are_parsed_from_the_environment(
    field: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable(field), " 0.4, 2 ,1800")
    parsed = getattr(Settings(), field)
    assert parsed == (timedelta(seconds=0.4), timedelta(seconds=2), timedelta(minutes=30))


@pytest.mark.parametrize("field", DELAY_SETTINGS)
@pytest.mark.parametrize("value", sorted(MALFORMED))
def test_malformed_delays_are_rejected_alike(
    field: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable(field), value)
    with pytest.raises(ValidationError) as raised:
        Settings()
    message = raised.value.errors()[0]["msg"]
    assert f"{variable(field)}={value!r}: {MALFORMED[value]}" in message


@pytest.mark.parametrize("field", DELAY_SETTINGS)
def test_a_value_set_later_is_parsed_and_checked_the_same_way(field: str) -> None:
    settings = Settings()
    setattr(settings, field, "1,2")
    assert getattr(settings, field) == delays("1,2") == (timedelta(seconds=1), timedelta(seconds=2))
    with pytest.raises(ValidationError, match="is negative"):
        setattr(settings, field, "1,-2")


@pytest.mark.parametrize("field", DELAY_SETTINGS)
def test_spaceport_refuses_to_start_with_malformed_delays(field: str, tmp_path: Path) -> None:
    database = tmp_path / "never.db"
    env = {
        **os.environ,
        "SPACEPORT_DATABASE_URL": f"sqlite:///{database}",
        variable(field): "60,,300",
    }
    started = subprocess.run(
        [sys.executable, "-m", "spaceport.cli", "worker"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 2
    assert f"{variable(field)}='60,,300': item 2 is empty" in started.stderr
    assert "Traceback" not in started.stderr
    assert not database.exists()  # refused before touching the database
