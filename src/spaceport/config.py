"""Settings, read once from environment variables prefixed SPACEPORT_."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
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
    threads: int = 8  # endpoint threads per API process


@lru_cache
def get_settings() -> Settings:
    return Settings()


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
