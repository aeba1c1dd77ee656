"""The transaction belongs to the request (DESIGN): services flush, this commits.

Reads run in a reading transaction, everything else in a writing one. Work that must wait for
the commit (an email) is queued with `after_commit` and runs once the answer is on its way.

Writing requests of one process take turns (`write_turn`) before they take a thread: a
writer that waits for the database's write lock (SQLite) or a row lock (the numbering
counter on PostgreSQL) never holds a worker thread that the lock's holder needs to commit.
Other processes still write in parallel on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy.orm import Session

from spaceport.kit import idempotency
from spaceport.kit.db import Database

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


def write_gate(request: Request) -> asyncio.Lock:
    gate: asyncio.Lock = request.app.state.write_gate
    return gate


def after_commit(session: Session, task: Callable[[], None]) -> None:
    session.info.setdefault("after_commit", []).append(task)


async def write_turn(request: Request) -> AsyncIterator[None]:
    if request.method in READ_METHODS:
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
    with db.transaction(write=request.method not in READ_METHODS) as session:
        idempotency.claim(session, request.scope)  # COMPAT §6.11, in this same transaction
        yield session
    for task in session.info.pop("after_commit", []):
        background.add_task(task)


Db = Annotated[Session, Depends(transaction, scope="function")]
