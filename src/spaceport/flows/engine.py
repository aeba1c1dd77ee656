"""The run engine (FLOWS §F5, FLOWS §F8): the handler of `flow.run` jobs, and the test runs a
request executes itself (FLOWS §F4.5).

A run is executed step by step, outside any transaction; each step's record is written in a
short transaction of its own that first checks the job's lease is still ours (the claim's
attempt is the fencing token, `jobs.worker`), so a worker whose lease was taken over writes
nothing more. A Spaceport action runs inside the very transaction that records its step
`succeeded` (FLOWS §F8.5). The lease is renewed every third of `SPACEPORT_WORKER_LEASE_SECONDS`
by the worker while the run executes (FLOWS §F8.3, `jobs.leases`); a worker that dies leaves
the job to another once the lease expires, which skips the steps recorded `succeeded` and
executes again the one in flight. The transaction that ends the run also marks its job done.

A retryable failure (FLOWS §F8.4) records the attempt and raises `RetryLater`: the job comes
back after the delay, the run stays `running`. Anything else ends the run `failed`, naming
the step, with `flowRun/failed` in the same transaction (FLOWS §F7.4)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.connections import service as connections
from spaceport.connections.repository import ConnectionRepository
from spaceport.events.service import CAUSE
from spaceport.flows import catalog, inputs, runs, shown, templates
from spaceport.flows.actions import Action, ActionContext, Credentials, StepError
from spaceport.flows.formats import Formats
from spaceport.flows.models import FlowRun
from spaceport.flows.repository import FlowRunRepository
from spaceport.jobs.models import Job
from spaceport.jobs.repository import JobRepository
from spaceport.jobs.service import RECORDED, RetryLater
from spaceport.kit.db import Database, utcnow
from spaceport.kit.errors import ApiError
from spaceport.kit.filters import memory as where
from spaceport.kit.json import iso_datetime
from spaceport.organizations import service as organizations
from spaceport.organizations.models import Organization
from spaceport.organizations.repository import OrganizationRepository

TEST_SECONDS = 60.0  # FLOWS §F4.5: a test run is bounded by the request


class LeaseLost(Exception):
    """Another worker took the run's job over: this one stops writing."""


class Ended(Exception):  # noqa: N818 - the run reached its end before its last step
    pass


@dataclass(frozen=True)
class Fence:
    job_id: str
    attempt: int


@dataclass(frozen=True)
class Start:
    """What a run starts from, read when it starts (`starts`): the run as stored, and its
    organization as the API answers it then (FLOWS §F5.2 `organization`, §F5.5 formats)."""

    status: str
    test: bool
    organization_id: str
    created_by: str | None
    started_at: datetime
    trigger: dict[str, Any]
    steps: list[dict[str, Any]]  # the step records so far
    definition_steps: list[Any]
    cause: dict[str, Any]  # FLOWS §F8.6: what the events of its actions record as their cause
    organization: dict[str, Any]
    formats: Formats

    def deadline(self, seconds: float) -> datetime:
        """FLOWS §F8.3: `seconds` after its start (a run taken over keeps its start)."""
        return self.started_at + timedelta(seconds=seconds)


def starts(session: Session, run_ids: list[str]) -> dict[str, Start]:
    """The starts of these runs (those that exist), reading each organization once."""
    stored = select(FlowRun).where(FlowRun.id.in_(run_ids))  # as written, inserted here too
    found = FlowRunRepository(session).all(stored.execution_options(populate_existing=True))
    wanted = {run.organization_id for run in found}
    read = OrganizationRepository(session).all(
        select(Organization).where(Organization.id.in_(wanted))
    )
    of = {organization.id: organization for organization in read}
    answered = dict(zip(of, organizations.answers(session, read), strict=True))
    now = utcnow()
    return {
        run.id: Start(
            status=run.status,
            test=run.test,
            organization_id=run.organization_id,
            created_by=run.created_by,
            started_at=run.started_at or now,
            trigger=run.trigger,
            steps=list(run.steps),
            definition_steps=list(run.definition["steps"]),
            cause={"flowId": run.flow_id, "runId": run.id, "depth": run.depth},
            organization=answered.get(run.organization_id, {}),
            formats=formats_of(of.get(run.organization_id), answered.get(run.organization_id, {})),
        )
        for run in found
    }


class Execution:
    def __init__(
        self, database: Database, settings: Settings, run_id: str, fence: Fence | None
    ) -> None:
        self.database = database
        self.settings = settings
        self.run_id = run_id
        self.fence = fence
        self.records: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        self.outputs: dict[str, Any] = {}
        self.context: dict[str, Any] = {}
        self.deadline = 0.0
        self.test = False
        self.cause: dict[str, Any] = {}
        self.account_id: str | None = None
        self.organization_id = ""
        self.formats = Formats()

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A transaction holding the job's lease (else `LeaseLost`): the job's row stays locked
        until it ends, so a worker taking the run over waits for what this one writes."""
        with self.database.transaction() as session:
            if self.fence and not JobRepository(session).holds(*_fenced(self.fence)):
                raise LeaseLost()
            yield session

    def save(self, session: Session, **ended: Any) -> None:
        """Write the step records (and, ending the run, its status, error and end)."""
        steps = [dict(self.records[key]) for key in self.order]
        if not FlowRunRepository(session).write(self.run_id, steps=steps, **ended):
            raise LeaseLost()  # the run is gone

    # -- the run ---------------------------------------------------------------------------
    def execute(self, start: Start | None, seconds: float) -> object:
        """Run the steps from `start` (None: the run is gone); `jobs.RECORDED` once the end of
        the run has marked its job done."""
        if start is None or start.status in runs.FINISHED:
            return None
        self.deadline = time.monotonic() + (start.deadline(seconds) - utcnow()).total_seconds()
        self.test, self.organization_id = start.test, start.organization_id
        self.account_id, self.cause, self.formats = start.created_by, start.cause, start.formats
        for record in start.steps:
            self.records[record["key"]] = dict(record)
            self.order.append(record["key"])
        self.context = {
            "trigger": start.trigger,
            "steps": self.outputs,
            "organization": start.organization,
            "now": iso_datetime(start.started_at),
        }
        try:
            self.walk(start.definition_steps)
            self.end("succeeded")
        except Ended:
            return RECORDED if self.fence else None

    def end(self, status: str, error: dict[str, Any] | None = None) -> NoReturn:
        with self.database.transaction() as session:
            # the job ends with its run; ending it is the fence (`writing`)
            if self.fence and not JobRepository(session).finish(*_fenced(self.fence), "done"):
                raise LeaseLost()
            for record in self.records.values():
                if record["status"] == "pending":
                    record["status"] = "skipped"
            self.save(session, status=status, error=error, finished_at=utcnow())
            if status == "failed":
                runs.record_failed(session, FlowRunRepository(session).fresh(self.run_id))
        raise Ended()

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    def timed_out(self) -> NoReturn:
        for record in self.records.values():  # the step in flight, attempted: it failed
            if record["status"] == "pending" and record["attempts"] > 0:
                record["status"] = "failed"
        self.end("failed", {"step": None, "message": "run timed out", "statusCode": None})

    # -- steps -----------------------------------------------------------------------------
    def walk(self, steps: list[Any]) -> None:
        for step in steps:
            record = self.records[step["key"]]
            if record["status"] == "skipped":
                continue
            if record["status"] != "succeeded":
                if self.time_left() <= 0:
                    self.timed_out()
                self.run_step(step, record)
            self.outputs[step["key"]] = record["output"]
            if step["type"] == "filter" and not record["output"]["passed"]:
                self.end("filtered")  # FLOWS §F5.1: not an error; later steps `skipped`
            if step["type"] == "branch":
                chosen = record["output"]["branch"]
                other = "else" if chosen == "then" else "then"
                self.skip(step.get(other, []))
                self.walk(step.get(chosen, []))

    def skip(self, steps: list[Any]) -> None:
        for step in runs.walk(steps):
            if self.records[step["key"]]["status"] == "pending":
                self.records[step["key"]]["status"] = "skipped"

    def run_step(self, step: Mapping[str, Any], record: dict[str, Any]) -> None:
        if step["type"] == "action":
            self.act(step, record)
            return
        started = utcnow()
        try:
            condition = templates.render(step["where"], self.context, self.formats)
            passed = where.matches(condition, self.context)
        except Exception as exc:  # a template error: the step fails at once
            self.fail(record, StepError(str(exc)), 1, None, started)
        output: dict[str, Any] = {"passed": passed}
        if step["type"] == "branch":
            output = {"branch": "then" if passed else "else"}
        record.update(status="succeeded", attempts=record["attempts"] + 1, output=output)
        record.update(startedAt=started, finishedAt=utcnow(), input={"where": condition})
        # no transaction of its own: a filter or branch has no effect and is evaluated again
        # by a worker taking the run over; its record is written with the next one

    def act(self, step: Mapping[str, Any], record: dict[str, Any]) -> None:
        action = catalog.find(step["action"])
        attempt, started = record["attempts"] + 1, utcnow()
        if action is None:
            self.fail(record, StepError(f"{step['action']!r} is no longer an action"), attempt)
        try:
            given = templates.render(step.get("input", {}), self.context, self.formats)
        except Exception as exc:  # FLOWS §F5.6: template errors and limits fail at once
            self.fail(record, StepError(str(exc)), attempt, None, started)
        problems = inputs.check(action.input_schema, given, "input", at_save=False)
        visible = shown.cut(action.shown(given) if action.shown else given)
        if problems:  # FLOWS §F6.1: invalid after rendering fails at once, 422
            error = StepError("The input is not valid", status_code=422, details=problems)
            self.fail(record, error, attempt, visible, started)
        context = self.action_context(step)
        if action.connection_type is not None:
            try:
                context.connection = self.credentials(step, action.connection_type)
            except StepError as error:
                self.fail(record, error, attempt, visible, started)
        try:
            if action.transactional:
                self.in_transaction(action, context, given, record, attempt, visible, started)
                return
            self.mark_started(record, attempt, visible, started)
            output = run_coroutine(action.run(context, given))
        except StepError as error:
            self.fail(record, error, attempt, visible, started)
        except ApiError as error:
            self.fail(record, api_step_error(error), attempt, visible, started)
        except (LeaseLost, Ended, RetryLater):
            raise
        except Exception as error:  # a bug in the action: the step fails at once, naming it
            bug = StepError(f"{type(error).__name__}: {error}")
            self.fail(record, bug, attempt, visible, started)
        with self.writing() as session:
            self.succeeded(record, attempt, visible, output, started)
            self.save(session)

    def action_context(self, step: Mapping[str, Any]) -> ActionContext:
        return ActionContext(
            database=self.database,
            settings=self.settings,
            organization_id=self.organization_id,
            account_id=self.account_id,
            run_id=self.run_id,
            step_key=str(step["key"]),
            deadline=self.deadline,
        )

    def credentials(self, step: Mapping[str, Any], kind: str) -> Credentials:
        """The step's connection opened for the call, read in a short transaction (FLOWS §F2.3:
        the key in the clear only in memory)."""
        connection_id = str(step.get("connectionId") or "")
        with self.database.transaction(write=False) as session:
            found = ConnectionRepository(session).live_of_type(
                self.organization_id, connection_id, kind
            )
            if found is None:
                raise StepError(f"No live {kind} connection {connection_id!r}", status_code=422)
            try:
                opened = connections.opened(found, self.settings)
            except connections.KeyUnreadable as exc:
                raise StepError(str(exc)) from exc
        return Credentials(opened.id, opened.type, opened.api_key, opened.base_url)

    def in_transaction(
        self,
        action: Action,
        context: ActionContext,
        given: dict[str, Any],
        record: dict[str, Any],
        attempt: int,
        visible: Any,
        started: Any,
    ) -> None:
        """FLOWS §F8.5: the action's changes and its step's record commit together."""
        try:
            with self.writing() as session:
                session.info[CAUSE] = self.cause  # FLOWS §F8.6: the events it records
                context.session = session
                output = run_coroutine(action.run(context, given))
                self.succeeded(record, attempt, visible, output, started)
                self.save(session)
        except (StepError, ApiError) as error:
            record["status"] = "pending"
            failure = error if isinstance(error, StepError) else api_step_error(error)
            self.fail(record, failure, attempt, visible, started)

    def mark_started(self, record: dict[str, Any], attempt: int, visible: Any, at: Any) -> None:
        """The attempt in flight, counted (FLOWS §F8.3: a taken-over run repeats it)."""
        record.update(attempts=attempt, input=visible, startedAt=at)
        with self.writing() as session:
            self.save(session)

    def succeeded(
        self, record: dict[str, Any], attempt: int, visible: Any, output: Any, at: Any
    ) -> None:
        record.update(status="succeeded", attempts=attempt, input=visible, startedAt=at)
        record.update(output=shown.cut(shown.plain(output)), finishedAt=utcnow())
        record.pop("error", None)

    def fail(
        self,
        record: dict[str, Any],
        error: StepError,
        attempt: int,
        visible: Any = None,
        started: Any = None,
    ) -> NoReturn:
        """Retry later (FLOWS §F8.4) or end the run `failed` naming the step; never returns."""
        record.update(attempts=attempt, input=visible, error=error.record())
        record.update(startedAt=started or utcnow(), finishedAt=utcnow())
        delays = self.settings.flow_retry_delays
        if error.retryable and not self.test and attempt <= len(delays):
            delay = max(delays[attempt - 1].total_seconds(), error.retry_after or 0)
            delay = min(delay, max(0.0, self.time_left()))
            with self.writing() as session:
                self.save(session)
            raise RetryLater(delay, f"step {record['key']}: {error.message}")
        if self.time_left() <= 0:
            record["status"] = "failed"
            self.timed_out()
        record["status"] = "failed"
        failure = {"step": record["key"], "message": error.message}
        self.end("failed", {**failure, "statusCode": error.status_code})


def formats_of(organization: Organization | None, answered: Mapping[str, Any]) -> Formats:
    """FLOWS §F5.5: the organization's Default `currencyId` (from its answer's `_defaults`),
    its locale and timezone."""
    if organization is None:
        return Formats()
    named = {d.get("name"): d.get("value") for d in answered.get("_defaults", [])}
    currency = named.get("currencyId")
    return Formats(
        currency=str(currency) if currency else None,
        locale=organization.locale or "en",
        timezone=organization.timezone or "UTC",
    )


def claimed(session: Session, jobs: list[Job]) -> dict[str, Start | None]:
    """`Prepared.prepare` of `flow.run` jobs: their runs start in the transaction that claims
    them (FLOWS §F8.2: the start is the claim), and what they start from is read there, by
    job id."""
    run_ids = [job.payload["runId"] for job in jobs]
    FlowRunRepository(session).mark_started(run_ids, utcnow())
    found = starts(session, run_ids)
    return {job.id: found.get(job.payload["runId"]) for job in jobs}


def _fenced(fence: Fence) -> tuple[str, int]:
    return fence.job_id, fence.attempt


def api_step_error(error: ApiError) -> StepError:
    """A Spaceport rule refusing the action (403, 404, 422): the step fails at once."""
    return StepError(error.message, status_code=error.status_code, details=error.details)


def run_coroutine(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def execute(database: Database, settings: Settings, job: Job, start: Start | None) -> object:
    """The handler of `flow.run` jobs ({runId}), from the start read when they were claimed."""
    fence = Fence(job.id, job.attempts)
    execution = Execution(database, settings, job.payload["runId"], fence)
    try:
        return execution.execute(start, settings.flow_run_timeout_seconds)
    except LeaseLost:
        return None


def execute_test(database: Database, settings: Settings, run_id: str) -> None:
    """FLOWS §F4.5: in the request, one attempt per step, at most 60 s; the run was created
    running (`runs.start`)."""
    seconds = min(TEST_SECONDS, settings.flow_run_timeout_seconds)
    with database.transaction(write=False) as session:
        start = starts(session, [run_id]).get(run_id)
    Execution(database, settings, run_id, None).execute(start, seconds)
