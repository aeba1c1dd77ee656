"""Every query of flows and their runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, select, update

from spaceport.flows.models import Flow, FlowRun
from spaceport.kit.db import Model, utcnow
from spaceport.kit.filters import compile_where
from spaceport.kit.repository import Repository, is_live, live_conditions


class FlowRepository(Repository[Flow]):
    model = Flow

    def enabled_of_type(self, organization_id: str, trigger_type: str) -> list[Flow]:
        """The organization's live, enabled flows with this trigger type, oldest first."""
        stmt = self.live_in(organization_id).where(
            Flow.enabled.is_(True), Flow.trigger_type == trigger_type
        )
        return self.all(stmt.order_by(Flow.created_at, Flow.id))

    def enabled_schedule_ids(self) -> list[str]:
        """The ids of every organization's live, enabled schedule flows (FLOWS §F4.2)."""
        stmt = select(Flow.id).where(
            Flow.trigger_type == "schedule", Flow.enabled.is_(True), *self.live_conditions()
        )
        return self.all(stmt)

    def locked(self, flow_id: str) -> Flow | None:
        """The live flow, its row locked (PostgreSQL) until the transaction ends."""
        found = self.session.get(Flow, flow_id, with_for_update=True)
        return found if is_live(found) else None

    def unseen(self, flow: Flow, model: type[Model], limit: int) -> list[Any]:
        """FLOWS §F4.2: the live instances of the flow's organization in `model` that it has not
        seen (created after `poll_since`, no run started for them), matching its trigger's
        `where`, oldest first."""
        table: Any = model
        started = exists().where(FlowRun.flow_id == flow.id, FlowRun.key == "poll:" + table.id)
        conditions: list[ColumnElement[bool]] = [
            table.organization_id == flow.organization_id,
            *live_conditions(model),
            ~started,
        ]
        if flow.poll_since is not None:
            conditions.append(table.created_at > flow.poll_since)
        if flow.trigger.get("where"):
            conditions.append(compile_where(flow.trigger["where"], model, self.dialect))
        stmt = select(model).where(*conditions).order_by(table.created_at, table.id)
        return self.all(stmt.limit(limit))


class FlowRunRepository(Repository[FlowRun]):
    model = FlowRun

    def by_key(self, flow_id: str, key: str) -> FlowRun | None:
        return self.first(select(FlowRun).where(FlowRun.flow_id == flow_id, FlowRun.key == key))

    def locked(self, run_id: str) -> FlowRun | None:
        return self.session.get(FlowRun, run_id, with_for_update=True)

    def fresh(self, run_id: str) -> FlowRun:
        """The run as this transaction last wrote it."""
        run = self.session.get(FlowRun, run_id, populate_existing=True)
        assert run is not None
        return run

    def mark_started(self, run_ids: list[str], at: datetime) -> None:
        """The queued runs among these, running since `at` (a run taken over keeps its start)."""
        queued = FlowRun.id.in_(run_ids), FlowRun.status == "queued"
        self.session.execute(
            update(FlowRun).where(*queued).values(status="running", started_at=at, updated_at=at)
        )

    def write(self, run_id: str, **values: Any) -> bool:
        """Set the run's columns in one UPDATE (the engine's records); False if it is gone."""
        found = self.session.execute(
            update(FlowRun).where(FlowRun.id == run_id).values(**values, updated_at=utcnow())
        )
        return bool(getattr(found, "rowcount", 0))
