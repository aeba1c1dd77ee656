"""Settings, read once from environment variables prefixed SPACEPORT_."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SPACEPORT_", extra="ignore")

    database_url: str = "sqlite:///spaceport.db"
    smtp_url: str | None = None
    mail_from: str = "spaceport@localhost"
    secret_key: str = "change-me"
    open_signup: bool = True
    rate_limit: str = "100/second"
    redis_url: str | None = None
    public_url: str = "http://127.0.0.1:8000"
    cors_origins: str = "*"  # COMPAT §1.14: comma-separated origins browsers may call from
    threads: int = 8  # endpoint threads per API process
    mail_retry_delays: str = "60,300,1800"  # seconds before the 2nd, 3rd and 4th try
    worker_poll_seconds: float = 1.0  # how often an idle worker looks for due jobs (issue 6)
    worker_lease_seconds: float = 60.0  # a claimed job whose worker died is taken again after
    # COMPAT §8.2: refuse webhook targets on loopback/private addresses unless this is set
    webhook_allow_private: bool = False
    # COMPAT §8.2: retries, in seconds after the first attempt ("2, 4 and 8 minutes")
    webhook_retry_delays: str = Field("120,240,480", pattern=r"^\d+(\.\d+)?(,\d+(\.\d+)?)*$")


@lru_cache
def get_settings() -> Settings:
    return Settings()


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
