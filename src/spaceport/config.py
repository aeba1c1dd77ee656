"""Settings, read once from environment variables prefixed SPACEPORT_.

Malformed values stop the start with a message naming the variable (`cli.main`). Retry-delay
lists are parsed here, once, into typed delays by one validator (`RetryDelays`): a new list is
one line, `flow_retry_delays: RetryDelays = delays("60,300")`."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BeforeValidator, Field, ValidationInfo
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from spaceport.kit.sealing import secret_key_setting

Delays = tuple[timedelta, ...]
SECONDS = re.compile(r"-?\d+(\.\d+)?")


def parse_delays(text: str) -> Delays:
    """`"120,240,480"`: comma-separated seconds (fractions allowed), at least one, none negative;
    spaces around an item are ignored. Raises ValueError saying which item is wrong."""
    if not text.strip():
        raise ValueError("no delay given (at least one is needed)")
    items = [item.strip() for item in text.split(",")]
    for number, item in enumerate(items, start=1):
        if not item:
            raise ValueError(f"item {number} is empty")
        if not SECONDS.fullmatch(item):
            raise ValueError(f"item {number} ({item!r}) is not a number of seconds")
        if float(item) < 0:
            raise ValueError(f"item {number} ({item!r}) is negative")
    return tuple(timedelta(seconds=float(item)) for item in items)


def delays_of(value: Any, info: ValidationInfo) -> Any:
    """The validator of every `RetryDelays` setting: a string from the environment is parsed;
    anything else (delays already typed) is left to pydantic's `tuple[timedelta, ...]`."""
    if not isinstance(value, str):
        return value
    try:
        return parse_delays(value)
    except ValueError as exc:
        variable = f"SPACEPORT_{(info.field_name or '').upper()}"
        raise ValueError(f"{variable}={value!r}: {exc}") from None


# NoDecode: the environment's "60,300" is ours to parse, not JSON for pydantic-settings to decode
RetryDelays = Annotated[Delays, NoDecode, BeforeValidator(delays_of)]


def delays(default: str) -> Delays:
    """A retry-delay setting's default, written as its environment variable would be."""
    return parse_delays(default)


class Settings(BaseSettings):
    # validate_assignment: a value set later (tests, `monkeypatch`) is parsed like the environment
    model_config = SettingsConfigDict(
        env_prefix="SPACEPORT_", extra="ignore", validate_assignment=True
    )

    database_url: str = "sqlite:///spaceport.db"
    smtp_url: str | None = None
    mail_from: str = "spaceport@localhost"
    # Issue 15 item 5 (kit/sealing.py): the current key first, older keys after it, comma-
    # separated; unset, an embedded SQLite database gets a generated key beside its file.
    secret_key: str = ""
    open_signup: bool = True
    rate_limit: str = "100/second"
    # Issue 16 item 4: login and password-reset attempts per email and per client address
    login_rate_limit_email: str = "10/minute"
    login_rate_limit_address: str = "100/minute"
    # WEB §W2.2: failed logins to the web app in 15 minutes, per email and per address
    web_login_failures_email: str = "10 per 15 minutes"
    web_login_failures_address: str = "50 per 15 minutes"
    redis_url: str | None = None
    public_url: str = "http://127.0.0.1:8000"
    cors_origins: str = "*"  # COMPAT §1.14: comma-separated origins browsers may call from
    threads: int = 8  # endpoint threads per API process
    read_threads: int = Field(default=2, ge=1, le=64)  # one-phase reads at once (`read_phase`)
    # document email and recurrence notification: seconds before the 2nd, 3rd and 4th try
    mail_retry_delays: RetryDelays = delays("60,300,1800")
    worker_poll_seconds: float = 1.0  # how often an idle worker looks for due jobs
    worker_lease_seconds: float = 60.0  # a claimed job whose worker died is taken again after
    worker_concurrency: int = Field(default=8, ge=1, le=64)  # jobs one worker runs at a time
    # COMPAT §8.2: refuse webhook targets on loopback/private addresses unless this is set
    webhook_allow_private: bool = False
    # COMPAT §8.2: retries, in seconds after the first attempt ("2, 4 and 8 minutes")
    webhook_retry_delays: RetryDelays = delays("120,240,480")
    # FISCAL §S2: where FURS answers (`furs_env` test or production), which CA bundle is
    # trusted for its server (unset: the system store), the timeout of one whole call, the
    # resubmission delays of pending invoices (the last repeats), the software supplier
    furs_test_url: str = "https://blagajne-test.fu.gov.si:9002/v1/cash_registers"
    furs_production_url: str = "https://blagajne.fu.gov.si:9003/v1/cash_registers"
    furs_ca_file: str | None = None
    furs_timeout_seconds: float = 3.0
    furs_retry_delays: RetryDelays = delays("60,300,900,3600")
    furs_software_supplier_tax_number: int | None = None
    furs_software_supplier_name: str = "Spaceport"
    # FLOWS §F8.4: seconds after each failed attempt of a step before the next ("30,120,600":
    # at most 4 attempts); FLOWS §F8.3: a run unfinished this long after its start fails
    flow_retry_delays: RetryDelays = delays("30,120,600")
    flow_run_timeout_seconds: float = 900.0


def with_secret_key(settings: Settings) -> Settings:
    """The settings with their checked secret key, generated for SQLite when none is set;
    raises `kit.sealing.SecretKeyError` when the server must not start."""
    key = secret_key_setting(settings.secret_key, settings.database_url)
    return (
        settings if key == settings.secret_key else settings.model_copy(update={"secret_key": key})
    )


@lru_cache
def get_settings() -> Settings:
    return with_secret_key(Settings())


async def app_settings(request: Request) -> Settings:
    """Async: a plain function would cost a thread hop (FastAPI runs those in its threadpool)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
