"""Idempotency-Key (COMPAT §6.11): the same key and body within 24 hours replays the first
answer; the same key with another body is a 409. Also for two identical requests in flight at
once: the key is claimed inside the request's own transaction, so the second waits for the
first to commit (row lock on PostgreSQL, the write lock on SQLite), finds the claim and
replays the answer instead of doing the work again.

The middleware hashes the body and, once the answer is sent, keeps it with the claim."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import LargeBinary, String, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spaceport.kit.db import Base, Database, utcnow
from spaceport.kit.errors import Conflict, error_response

HEADER = b"idempotency-key"
SCOPE_KEY = "spaceport.idempotency"
LIFETIME = timedelta(hours=24)
WAIT_FOR_ANSWER = 10.0  # seconds a replay waits for the first request's answer to be kept


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"

    owner: Mapped[str] = mapped_column(String(64), primary_key=True)  # hash of the launch code
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    answer: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Claim:
    owner: str
    key: str
    request_hash: str


class Replay(Exception):
    """The key was claimed before: answer with what the first request answered."""

    def __init__(self, claim: Claim) -> None:
        self.claim = claim


def claim(session: Session, scope: MutableMapping[str, Any]) -> None:
    """Claim the request's key in the request's transaction (called by `transaction`)."""
    found: Claim | None = scope.get(SCOPE_KEY)
    if found is None:
        return
    expired = session.scalar(
        select(IdempotencyKey.created_at).where(
            IdempotencyKey.owner == found.owner, IdempotencyKey.key == found.key
        )
    )
    if expired is not None and expired < utcnow() - LIFETIME:
        session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.owner == found.owner, IdempotencyKey.key == found.key
            )
        )
    try:
        with session.begin_nested():
            session.add(
                IdempotencyKey(owner=found.owner, key=found.key, request_hash=found.request_hash)
            )
    except IntegrityError as exc:
        raise Replay(found) from exc


def keep_answer(database: Database, claim_: Claim, status: int, body: bytes) -> None:
    with database.transaction() as session:
        session.execute(
            update(IdempotencyKey)
            .where(
                IdempotencyKey.owner == claim_.owner,
                IdempotencyKey.key == claim_.key,
                IdempotencyKey.request_hash == claim_.request_hash,
                IdempotencyKey.status_code.is_(None),
            )
            .values(status_code=status, answer=body)
        )


def stored(database: Database, claim_: Claim) -> IdempotencyKey | None:
    with database.transaction(write=False) as session:
        return session.get(IdempotencyKey, (claim_.owner, claim_.key))


async def replay(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Replay)
    database: Database = request.app.state.database
    deadline = asyncio.get_running_loop().time() + WAIT_FOR_ANSWER
    while True:
        row = await run_in_threadpool(stored, database, exc.claim)
        if row is not None and row.request_hash != exc.claim.request_hash:
            return error_response(Conflict("This Idempotency-Key was used with another request"))
        if row is not None and row.status_code is not None and row.answer is not None:
            response = Response(
                row.answer,
                status_code=row.status_code,
                media_type="application/json; charset=utf-8",
            )
            response.headers["Idempotent-Replayed"] = "true"
            return response
        if asyncio.get_running_loop().time() > deadline:
            return error_response(
                Conflict("A request with this Idempotency-Key is still in progress")
            )
        await asyncio.sleep(0.05)


def owner_of(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return hashlib.sha256(value).hexdigest()
    client = scope.get("client") or ("", 0)
    return hashlib.sha256(f"address:{client[0]}".encode()).hexdigest()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = dict(scope.get("headers", [])).get(HEADER) if scope["type"] == "http" else None
        if key is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await read_all(receive)
        digest = hashlib.sha256(scope["path"].encode() + b"\n" + body).hexdigest()
        found = Claim(owner_of(scope), key.decode("latin-1")[:255], digest)
        scope[SCOPE_KEY] = found
        captured: dict[str, Any] = {"status": 0, "body": b""}

        async def replay_body() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        await self.app(scope, replay_body, capture)
        if 200 <= captured["status"] < 300:
            database: Database = scope["app"].state.database
            await run_in_threadpool(
                keep_answer, database, found, captured["status"], captured["body"]
            )


async def read_all(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)
