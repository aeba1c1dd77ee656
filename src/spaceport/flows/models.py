"""Flows and their runs (FLOWS §F3, FLOWS §F7)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.answers import Embedded
from spaceport.kit.db import Model, SoftDeleted, utcnow

PRIVATE = {"private": True}
ANY_JSON = "Any JSON: "


class FlowStep(Embedded):
    """A step of a flow as saved (FLOWS §F5): `action`, `filter` or `branch`, each with the
    properties of its kind (`action`, `connectionId`, `input`; `where`; `then`, `else`)."""

    key: str
    type: Literal["action", "filter", "branch"]
    action: str
    connectionId: str | None
    input: dict[str, Any]
    then: list[FlowStep]
    else_: list[FlowStep] = Field(alias="else")


class StepFailure(BaseModel):
    """A failed step's `error` (FLOWS §F7.2): `details` names each invalid input (FLOWS §F6.1)."""

    message: str
    statusCode: int | None = None
    details: dict[str, Any] | None = None


class RunStep(BaseModel):
    """A step's record in its run (FLOWS §F7.2), as `runs.pending` and the engine write it."""

    key: str
    type: Literal["action", "filter", "branch"]
    action: str | None = None
    status: Literal["pending", "succeeded", "failed", "skipped"]
    attempts: int
    input: Any = Field(
        default=None,
        description=ANY_JSON + "the step's input as rendered and redacted (FLOWS §F6.3), cut "
        "at 64 KiB; `{where}` for a filter or branch; null before the step ran.",
    )
    output: Any = Field(
        default=None,
        description=ANY_JSON + "what the action answered, cut at 64 KiB; `{passed}` for a "
        "filter, `{branch}` for a branch; null unless the step succeeded.",
    )
    error: StepFailure | None = None
    reused: bool | None = None
    startedAt: datetime | None = None
    finishedAt: datetime | None = None


class RunFailure(BaseModel):
    """A failed run's `error` (FLOWS §F7.2): the failing step's key, or null (timed out)."""

    step: str | None
    message: str
    statusCode: int | None = None


class Flow(Model, SoftDeleted):
    __tablename__ = "flows"
    __table_args__ = (
        # an event's flows: FLOWS §F4.1 (triggers.fan_out)
        Index("ix_flows_organization_trigger", "organization_id", "trigger_type", "enabled"),
    )

    organization_id: Mapped[str] = mapped_column(String(24), ForeignKey("organizations.id"))
    name: Mapped[str]
    enabled: Mapped[bool] = mapped_column(default=True)
    trigger: Mapped[dict[str, Any]]
    steps: Mapped[list[Any]] = mapped_column(info={"answer": list[FlowStep]})
    created_by: Mapped[str | None] = mapped_column(String(24))
    trigger_type: Mapped[str] = mapped_column(String(16), info=PRIVATE)  # trigger["type"]
    # FLOWS §F3.4: runs start for what happens after the (last) enabling
    enabled_at: Mapped[datetime | None] = mapped_column(default=utcnow, info=PRIVATE)
    # FLOWS §F4.2: the last time the schedule was looked at, and what counts as seen by polls
    ticked_until: Mapped[datetime | None] = mapped_column(default=None, info=PRIVATE)
    poll_since: Mapped[datetime | None] = mapped_column(default=None, info=PRIVATE)
    # FLOWS §F4.3: the inbound hook's secret, sealed at rest (kit/sealing.py)
    hook_secret: Mapped[str | None] = mapped_column(Text, info={"private": True, "sealed": True})


class FlowRun(Model):
    __tablename__ = "flow_runs"
    __table_args__ = (
        # FLOWS §F8.1: one run per (flow, event | tick | polled instance | hook key)
        UniqueConstraint("flow_id", "key", name="uq_flow_runs_flow_key"),
        Index("ix_flow_runs_flow_created", "flow_id", "created_at"),
        Index("ix_flow_runs_organization_created", "organization_id", "created_at"),
    )

    flow_id: Mapped[str] = mapped_column(String(24), ForeignKey("flows.id"))
    organization_id: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    test: Mapped[bool] = mapped_column(default=False)
    trigger: Mapped[dict[str, Any]]
    steps: Mapped[list[Any]] = mapped_column(default=list, info={"answer": list[RunStep]})
    error: Mapped[dict[str, Any] | None] = mapped_column(
        default=None, info={"answer": RunFailure | None}
    )
    retry_of: Mapped[str | None] = mapped_column(String(24), default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    # the unique key of FLOWS §F8.1 (`event:<uid>`, `hook:<key>`); None for manual runs
    key: Mapped[str | None] = mapped_column(String(200), default=None, info=PRIVATE)
    # FLOWS §F7.2: the flow as it was when the run was created ({"trigger", "steps"})
    definition: Mapped[dict[str, Any]] = mapped_column(info=PRIVATE)
    created_by: Mapped[str | None] = mapped_column(String(24), default=None, info=PRIVATE)
    # FLOWS §F8.6: 1 for a run not started by a run's event, else one more than that run's
    depth: Mapped[int] = mapped_column(default=1, info=PRIVATE)
