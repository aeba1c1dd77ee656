"""The transaction belongs to the request (DESIGN): services flush, this commits.

Reads run in a reading transaction, everything else in a writing one. Work that must wait for
the commit (an email) is queued with `after_commit` and runs once the answer is on its way.

A writing request takes its turn (`write_turn`, `write_gate`) before it takes a thread. A
request's transaction spans several threadpool calls (its dependencies, the endpoint, the
commit), so a writer that waited for a database lock inside a thread could hold the very thread
the lock's holder needs to go on: the turn is what keeps waiting writers out of threads.

- SQLite has one writer (DESIGN): the writers of a process take one turn, first come first
  served, so only the one that holds the database's write lock is in a thread. Nothing is
  gained by a turn per organization there, since the file has one write lock; what keeps one
  organization from waiting for another is that the turn is short: slow work and the
  computation of large bodies run before it (a document's create builds it in a `read_phase`).
- PostgreSQL locks rows: writers of different organizations change different rows and do not
  wait for each other; writers of one organization wait for each other in the database, on the
  rows both change (the numbering counter, COMPAT §6.2; an idempotency key, COMPAT §6.11). The
  turn only bounds how many writers are in flight (the endpoint threads less one), so writers
  waiting on row locks never take every thread. Other processes write in parallel likewise.

An endpoint with slow steps that need no database (a password hash: slow work never holds the write
turn) does not take `Db`: it runs its database work in `read_phase` and `write_phase`, each a short
transaction of its own (the write in the turn), and its slow steps between them. A document's
create computes what it will write in a `read_phase` (its caller and scope are resolved there),
outside the turn, and writes in `write_phase`.

FastAPI runs each plain-function dependency in a thread of its own, and each handoff between
the event loop and a thread costs more than a small query (issue 13). The resource routes run
in one phase each (`access.authorization.scoped_read`, `scoped_write`); for routes that take
`Db`, the reads nearly every request makes first (the launch code's account,
`access.authorization.read_caller`) are the app's `opening_reads`, made in the thread that opens
the transaction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from spaceport.kit import idempotency
from spaceport.kit.db import Database
from spaceport.kit.json import ApiResponse

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")
WRITES = "__spaceport_writes__"
READS = "__spaceport_reads__"
E = TypeVar("E", bound=Callable[..., Any])
Gate = AbstractAsyncContextManager[Any]


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


def gate_for(db: Database, threads: int) -> Gate:
    """The write turn of a process (the module's docstring): one turn on SQLite, a bound on the
    writers in flight on PostgreSQL."""
    if db.dialect == "sqlite":
        return asyncio.Lock()
    return asyncio.Semaphore(max(1, threads - 1))


def write_gate(request: Request) -> Gate:
    gate: Gate = request.app.state.write_gate
    return gate


def after_commit(session: Session, task: Callable[[], None]) -> None:
    session.info.setdefault("after_commit", []).append(task)


def writes(endpoint: E) -> E:
    """Declares that a route writes although its method reads (a GET that confirms an email
    or accepts an invitation, as the reference's links do): it takes a writing transaction
    and its turn among writers, instead of the reading one its method would give it."""
    setattr(endpoint, WRITES, True)  # noqa: B010 - a marker on a plain function
    return endpoint


def reads(endpoint: E) -> E:
    """Declares that a route only reads although its method writes: a POST that computes what a
    form shows (the web app's New invoice totals and its Add line, WEB §W4.3) takes a reading
    transaction and no turn, so it never waits behind writers."""
    setattr(endpoint, READS, True)  # noqa: B010 - a marker on a plain function
    return endpoint


def is_write(request: Request) -> bool:
    """A writing transaction for every method but GET, HEAD and OPTIONS, and for routes
    declared with `writes`; never for routes declared with `reads`."""
    endpoint = request.scope.get("endpoint")
    if request.method not in READ_METHODS:
        return not getattr(endpoint, READS, False)
    return bool(getattr(endpoint, WRITES, False))


async def write_turn(request: Request) -> AsyncIterator[None]:
    if not is_write(request):
        yield
        return
    async with write_gate(request):
        yield


def transaction(
    request: Request,
    background: BackgroundTasks,
    _turn: Annotated[None, Depends(write_turn, scope="function")],
) -> Iterator[Session]:
    db = database(request)
    write = is_write(request)
    with db.transaction(write=write) as session:
        if write:
            idempotency.claim(session, request.scope)  # COMPAT §6.11, in this same transaction
        for read in getattr(request.app.state, "opening_reads", ()):
            read(request, session)
        yield session
    for task in session.info.pop("after_commit", []):
        background.add_task(task)


Db = Annotated[Session, Depends(transaction, scope="function")]


def _run(
    db: Database, work: Callable[[Session], T], scope: MutableMapping[str, Any] | None
) -> tuple[T, list[Callable[[], None]]]:
    with db.transaction(write=scope is not None) as session:
        if scope is not None:
            idempotency.claim(session, scope)  # COMPAT §6.11, in this same transaction
        result = work(session)
    return result, session.info.pop("after_commit", [])


def read_lane(request: Request) -> anyio.CapacityLimiter:
    """How many `read_phase`s of a process run at once (`Settings.read_threads`): a read holds
    the GIL for nearly all of its time, and under the GIL a few threads do more than many —
    every thread more that wants the GIL makes each query's release of it a switch between
    threads (issue 13: on two cores, a list of 50 answered 77/s with 8 such threads, 128/s with
    one). Created in the event loop, on first use."""
    state = request.app.state
    lane: anyio.CapacityLimiter | None = getattr(state, "read_lane", None)
    if lane is None:
        lane = state.read_lane = anyio.CapacityLimiter(state.settings.read_threads)
    return lane


async def read_phase(request: Request, work: Callable[[Session], T], *, lane: bool = True) -> T:
    """`work` in a reading transaction of its own, in a thread of the read lane; with `lane`
    false in one of the process's other threads, for work that may take long (a large
    document's build, issue 15 item 6) and must not hold the reads behind it."""
    limiter = read_lane(request) if lane else None
    result, _ = await anyio.to_thread.run_sync(_run, database(request), work, None, limiter=limiter)
    return result


async def write_phase(
    request: Request, background: BackgroundTasks, work: Callable[[Session], T]
) -> T:
    """`work` in a writing transaction of its own, in the process's write turn; what it
    queued with `after_commit` runs once the answer is on its way."""
    async with write_gate(request):
        result, tasks = await run_in_threadpool(_run, database(request), work, request.scope)
    for task in tasks:
        background.add_task(task)
    return result


class AnswerAfterCommit(ApiResponse):
    """An answer computed after the request's transaction has committed and its write turn has
    ended: FastAPI closes a route's function-scoped dependencies (`Db`, the write turn) before
    it sends the response, so `compute` may do slow work (a call to another service, in no
    transaction) and read what it stored. Errors it raises are answered as any route's."""

    def __init__(self, compute: Callable[[], Awaitable[Any]], status_code: int = 200) -> None:
        super().__init__(None, status_code=status_code)
        self.compute = compute

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.body = self.render(await self.compute())
        self.init_headers()
        await super().__call__(scope, receive, send)
