from __future__ import annotations

from typing import Any

from pydantic import Field

from spaceport.kit.schemas import ApiModel, Custom


class DefaultCreate(ApiModel):
    name: str = Field(min_length=1)
    value: Any = Field(...)  # "value any required": any JSON type
    custom: Custom


class DefaultUpdate(ApiModel):
    name: str | None = None
    value: Any = None
    custom: dict[str, Any] | None = None
