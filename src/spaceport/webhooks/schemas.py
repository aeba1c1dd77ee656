from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field

from spaceport.kit.schemas import ApiModel, Custom


def _listed(value: Any) -> Any:
    """`events=client/create` (one form value) means the list of that one event."""
    return [value] if isinstance(value, str) else value


EventList = Annotated[list[str], BeforeValidator(_listed)]


class WebhookCreate(ApiModel):
    url: str = Field(min_length=1)
    events: EventList = Field(min_length=1)
    enabled: bool = True
    custom: Custom


class WebhookUpdate(ApiModel):
    url: str | None = Field(default=None, min_length=1)
    events: EventList | None = Field(default=None, min_length=1)
    enabled: bool | None = None
    custom: dict[str, Any] | None = None


class Delivery(BaseModel):
    """One attempt to deliver an event (COMPAT §8.2), as `/deliveries` answers it."""

    id: str
    time: datetime
    uid: str
    attempt: int
    statusCode: int | None
    durationMs: int | None
    error: str | None
