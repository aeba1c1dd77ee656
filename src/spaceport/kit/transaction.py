"""The transaction belongs to the request (DESIGN): services flush, this commits.

Reads run in a reading transaction, everything else in a writing one. Work that must wait for
the commit (an email) is queued with `after_commit` and runs once the answer is on its way.

Writing requests of one process take turns (`write_turn`) before they take a thread: a
writer that waits for the database's write lock (SQLite) or a row lock (the numbering
counter on PostgreSQL) never holds a worker thread that the lock's holder needs to commit.
Other processes still write in parallel on PostgreSQL.

An endpoint with slow steps that need no database (a password hash: slow work never holds the write
turn) does not take `Db`: it runs its database work in `read_phase` and `write_phase`, each a short
transaction of its own (the write in the turn), and its slow steps between them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, MutableMapping
from typing import Annotated, Any, TypeVar

from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from spaceport.kit import idempotency
from spaceport.kit.db import Database

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")
WRITES = "__spaceport_writes__"
E = TypeVar("E", bound=Callable[..., Any])


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


def write_gate(request: Request) -> asyncio.Lock:
    gate: asyncio.Lock = request.app.state.write_gate
    return gate


def after_commit(session: Session, task: Callable[[], None]) -> None:
    session.info.setdefault("after_commit", []).append(task)


def writes(endpoint: E) -> E:
    """Declares that a route writes although its method reads (a GET that confirms an email
    or accepts an invitation, as the reference's links do): it takes a writing transaction
    and its turn among writers, instead of the reading one its method would give it."""
    setattr(endpoint, WRITES, True)  # noqa: B010 - a marker on a plain function
    return endpoint


def is_write(request: Request) -> bool:
    """A writing transaction for every method but GET, HEAD and OPTIONS, and for routes
    declared with `writes`."""
    if request.method not in READ_METHODS:
        return True
    return bool(getattr(request.scope.get("endpoint"), WRITES, False))


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
    with db.transaction(write=is_write(request)) as session:
        idempotency.claim(session, request.scope)  # COMPAT §6.11, in this same transaction
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


async def read_phase(request: Request, work: Callable[[Session], T]) -> T:
    """`work` in a reading transaction of its own, in an endpoint thread."""
    result, _ = await run_in_threadpool(_run, database(request), work, None)
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
