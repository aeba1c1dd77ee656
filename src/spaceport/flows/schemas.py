from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from spaceport.kit.schemas import ApiModel, Custom


class FlowCreate(ApiModel):
    # FLOWS §F3.2; `trigger` and `steps` are checked whole by flows.validation (FLOWS §F3.3)
    name: str = Field(min_length=1, max_length=500)
    enabled: bool = True
    trigger: dict[str, Any]
    steps: list[Any]
    custom: Custom


class FlowUpdate(ApiModel):
    name: str | None = Field(default=None, min_length=1, max_length=500)
    enabled: bool | None = None
    trigger: dict[str, Any] | None = None
    steps: list[Any] | None = None
    custom: dict[str, Any] | None = None


class RunRequest(ApiModel):
    data: Any = None


class RetryRequest(ApiModel):
    from_: str = Field(default="failed-step", alias="from", pattern="^(failed-step|start)$")


class TestRequest(ApiModel):
    data: Any = None
    event: str | None = None
    id: str | None = None


class RunStarted(BaseModel):
    """FLOWS §F4.3, FLOWS §F4.4, FLOWS §F7.3: the run a request started."""

    runId: str  # noqa: N815 - the API's spelling
