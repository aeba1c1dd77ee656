"""Runs (FLOWS §F7): created in the transaction of what started them, each with its job;
their answer; retries (FLOWS §F7.3); the `flowRun/failed` event (FLOWS §F7.4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from spaceport.events import service as events
from spaceport.flows.errors import NotRetryable
from spaceport.flows.models import Flow, FlowRun
from spaceport.flows.repository import FlowRunRepository
from spaceport.jobs import service as jobs
from spaceport.kit.db import utcnow
from spaceport.kit.ids import new_id

RUN: Final = "flow.run"  # the job kind that executes a run (flows.engine)
FINISHED: Final = frozenset({"succeeded", "failed", "filtered"})


def walk(steps: list[Any]) -> Iterator[Mapping[str, Any]]:
    """Every step in execution order: a branch, its `then`, its `else` (FLOWS §F7.2)."""
    for step in steps:
        yield step
        if step.get("type") == "branch":
            yield from walk(step.get("then", []))
            yield from walk(step.get("else", []))


def pending(step: Mapping[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {"key": step["key"], "type": step["type"]}
    if step["type"] == "action":
        record["action"] = step["action"]
    record.update(
        status="pending", attempts=0, input=None, output=None, startedAt=None, finishedAt=None
    )
    return record


def start(
    session: Session,
    flow: Flow,
    trigger: dict[str, Any],
    *,
    key: str | None = None,
    depth: int = 1,
    test: bool = False,
    retry_of: FlowRun | None = None,
) -> FlowRun:
    """A queued run of the flow as it is now and the job that executes it, both in the
    caller's transaction; a test run is running from its creation, without a job (the
    request executes it, FLOWS §F4.5). Nothing is
    flushed: a batch of runs is inserted at once. A `key` must be new (`start_once` otherwise):
    the database refuses a second run of one key (FLOWS §F8.1)."""
    definition = {"trigger": flow.trigger, "steps": flow.steps}
    now = utcnow()
    run = FlowRun(
        id=new_id(),
        flow_id=flow.id,
        organization_id=flow.organization_id,
        status="running" if test else "queued",
        started_at=now if test else None,
        test=test,
        trigger=trigger,
        steps=[pending(step) for step in walk(flow.steps)],
        key=key,
        definition=definition,
        created_by=flow.created_by,
        depth=retry_of.depth if retry_of else depth,
        retry_of=retry_of.id if retry_of else None,
        created_at=now,
    )
    session.add(run)
    if not test:
        jobs.enqueue(session, RUN, {"runId": run.id}, organization_id=flow.organization_id)
    return run


def start_once(session: Session, flow: Flow, trigger: dict[str, Any], key: str | None) -> FlowRun:
    """The run of `key`: the one started before, else a new one (FLOWS §F8.1); without a key,
    a new one."""
    found = FlowRunRepository(session).by_key(flow.id, key) if key else None
    return found if found is not None else start(session, flow, trigger, key=key)


def fired(kind: str, organization_id: str, data: Any, at: datetime | None = None) -> dict[str, Any]:
    """FLOWS §F5.2: the `trigger` of a run that no event started (manual, webhook, test)."""
    return {
        "type": kind,
        "event": None,
        "model": None,
        "action": None,
        "organizationId": organization_id,
        "uid": None,
        "data": data,
        "firedAt": at or utcnow(),
    }


def answer(run: FlowRun) -> dict[str, Any]:
    """FLOWS §F7.2."""
    return {
        "id": run.id,
        "flowId": run.flow_id,
        "organizationId": run.organization_id,
        "status": run.status,
        "test": run.test,
        "trigger": run.trigger,
        "steps": run.steps,
        "error": run.error,
        "retryOf": run.retry_of,
        "createdAt": run.created_at,
        "startedAt": run.started_at,
        "finishedAt": run.finished_at,
    }


def record_failed(session: Session, run: FlowRun) -> None:
    """FLOWS §F7.4: in the transaction that ends the run `failed`; test runs record none."""
    if not run.test:
        events.record(session, "flowRun", "failed", run.organization_id, answer(run))


# -- retry (FLOWS §F7.3) -------------------------------------------------------------------
def retry(session: Session, run: FlowRun, flow: Flow, start_from: str) -> FlowRun:
    if run.test:
        raise NotRetryable("A test run can't be retried")
    if start_from == "failed-step" and run.status != "failed":
        raise NotRetryable("Only a failed run can be retried from its failed step")
    if run.status not in FINISHED:
        raise NotRetryable("The run has not finished")
    new = start(session, flow, dict(run.trigger), retry_of=run)
    if start_from == "failed-step":
        reuse(new, run)
    return new


def reuse(new: FlowRun, old: FlowRun) -> None:
    """The records of the steps that succeeded before the failed one, `reused: true`."""
    failed = (old.error or {}).get("step")
    done: dict[str, dict[str, Any]] = {}
    for record in old.steps:
        if record["key"] == failed:
            break
        if record["status"] == "succeeded":
            done[record["key"]] = record
    steps = []
    for record in new.steps:
        before = done.get(record["key"])
        same = before is not None and before.get("action") == record.get("action")
        steps.append({**before, "reused": True} if same and before else record)
    new.steps = steps
