from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from spaceport.kit.schemas import ApiModel, Custom

# FLOWS §F2.2: only Contextual AI for now
ConnectionType = Literal["contextual"]
KEY_LENGTH = 4096
URL_LENGTH = 2048


class ConnectionCreate(ApiModel):
    name: str = Field(min_length=1, max_length=200)
    type: ConnectionType
    api_key: str = Field(min_length=1, max_length=KEY_LENGTH)
    base_url: str | None = Field(default=None, max_length=URL_LENGTH)
    custom: Custom


class ConnectionUpdate(ApiModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: ConnectionType | None = None
    api_key: str | None = Field(default=None, min_length=1, max_length=KEY_LENGTH)
    base_url: str | None = Field(default=None, max_length=URL_LENGTH)
    custom: dict[str, Any] | None = None
