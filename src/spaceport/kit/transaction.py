"""The transaction belongs to the request (DESIGN): services flush, this commits.

Reads run in a reading transaction, everything else in a writing one. Work that must wait for
the commit (an email) is queued with `after_commit` and runs once the answer is on its way."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy.orm import Session

from spaceport.kit import idempotency
from spaceport.kit.db import Database

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


def after_commit(session: Session, task: Callable[[], None]) -> None:
    session.info.setdefault("after_commit", []).append(task)


def transaction(request: Request, background: BackgroundTasks) -> Iterator[Session]:
    db = database(request)
    with db.transaction(write=request.method not in READ_METHODS) as session:
        idempotency.claim(session, request.scope)  # COMPAT §6.11, in this same transaction
        yield session
    for task in session.info.pop("after_commit", []):
        background.add_task(task)


Db = Annotated[Session, Depends(transaction, scope="function")]
