"""What a flow's `action` step runs (FLOWS §F6): the `Action` every provider declares, the
context a run gives it, and the one error a step fails with.

An action is a value, declared in its provider's module and listed once in
`spaceport.flows.catalog.ACTIONS` (nothing registers itself at import):

    create_client = Action(
        name="spaceport.createClient", title="Create a client", description="...",
        provider="spaceport", connection_type=None,
        input_schema={"type": "object", "properties": {...}, "required": [...],
                      "additionalProperties": False},
        run=run_create_client,
    )

`run(ctx, input)` is a coroutine taking the input as rendered (FLOWS §F5.4) and checked against
`input_schema` (FLOWS §F6.1), and answering the step's output (JSON-able: dicts, lists, str,
numbers, Decimal, bool, None). It fails by raising `StepError`:

- `status_code`: the provider's HTTP status, or None for a connection error, a timeout or a
  refused address (FLOWS §F6.5, FLOWS §F2.5);
- `retryable`: whether FLOWS §F8.4 retries it (connection errors, timeouts, 408, 429, 5xx);
  `retryable_status(status)` says it for a status; `retry_after` a provider's `Retry-After`
  in seconds.

Any other exception from `run` fails the step at once with the exception's text (a bug).

The engine (`flows.engine`) runs an action once per attempt (FLOWS §F8.4: one attempt is one
call). An action with `transactional=True` (Spaceport's own, FLOWS §F8.5) gets `ctx.session`:
the transaction its step's `succeeded` record commits in; it must not make outside calls.
Every other action gets `ctx.session = None` and runs outside any transaction (DESIGN): it may
open its own short reading transactions through `ctx.database`, and must keep each outside
call within `ctx.time_left()` seconds (FLOWS §F8.3: a call in flight gets no more than the
run has left)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.kit.db import Database

Provider = Literal["spaceport", "http", "contextual"]
Output = Any
RETRYABLE_STATUSES = frozenset({408, 429})


def retryable_status(status: int | None) -> bool:
    """FLOWS §F8.4: no status (connection error, timeout), 408, 429 and 5xx are retried."""
    return status is None or status in RETRYABLE_STATUSES or 500 <= status <= 599


class StepError(Exception):
    """A step's failure as its run shows it: `{"statusCode", "message"}` (FLOWS §F7.2)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.retryable = retryable
        self.retry_after = retry_after
        self.details = dict(details) if details else None

    def record(self) -> dict[str, Any]:
        """The step's `error` as answered (FLOWS §F7.2)."""
        error: dict[str, Any] = {"message": self.message, "statusCode": self.status_code}
        if self.details:
            error["details"] = self.details
        return error


@dataclass(frozen=True)
class Credentials:
    """The connection a step names, opened for the call (FLOWS §F2.3: never stored in a run,
    an answer, an event or a log)."""

    id: str
    type: str
    api_key: str
    base_url: str
    custom: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class ActionContext:
    """What a step's action may use (FLOWS §F5.2, FLOWS §F6.2)."""

    database: Database
    settings: Settings
    organization_id: str
    account_id: str | None  # the flow's `createdBy`: Spaceport's actions act with its rights
    run_id: str
    step_key: str
    deadline: float  # time.monotonic() at which the run times out (FLOWS §F8.3)
    connection: Credentials | None = None
    session: Session | None = None  # only for `transactional` actions (FLOWS §F8.5)

    def time_left(self) -> float:
        """Seconds before the run times out (never negative)."""
        return max(0.0, self.deadline - time.monotonic())

    def call_timeout(self, limit: float) -> float:
        """`limit` seconds, or less if the run has less left (FLOWS §F6.4, FLOWS §F8.3)."""
        left = self.time_left()
        if left <= 0:
            raise StepError("run timed out", retryable=False)
        return min(limit, left)

    def required_session(self) -> Session:
        if self.session is None:
            raise RuntimeError(f"{self.step_key}: a transactional action runs in a session")
        return self.session


Run = Callable[[ActionContext, dict[str, Any]], Awaitable[Output]]


@dataclass(frozen=True)
class Action:
    name: str  # "spaceport.createClient", "http.request", "contextual.createDatastore"
    title: str
    description: str
    provider: Provider
    connection_type: str | None  # "contextual" or None (FLOWS §F6.1)
    input_schema: Mapping[str, Any]  # JSON Schema, type object
    run: Run
    transactional: bool = False  # FLOWS §F8.5: commits with its step's record
    # the input as the run shows it (FLOWS §F6.3: secrets redacted); None shows it as given
    shown: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # more checks at save (FLOWS §F3.3): (input as saved, allow_private) -> {property: message}
    check: Callable[[Mapping[str, Any], bool], dict[str, str]] | None = None

    def answer(self) -> dict[str, Any]:
        """As `GET /v1/flowActions` lists it (FLOWS §F6.1)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "provider": self.provider,
            "connectionType": self.connection_type,
            "inputSchema": dict(self.input_schema),
        }


def by_name(actions: tuple[Action, ...]) -> dict[str, Action]:
    """The catalog by action name; a name declared twice is a programming error."""
    found: dict[str, Action] = {}
    for action in actions:
        if action.name in found:
            raise ValueError(f"action {action.name!r} is declared twice")
        found[action.name] = action
    return found
