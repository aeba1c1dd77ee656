"""Rate limiting per launch code (COMPAT §2.2; reference "Rate limits": 100 requests a second),
429 with Retry-After. In memory for one process; in Redis (SPACEPORT_REDIS_URL) when several
processes serve, so they share one budget."""

from __future__ import annotations

import hashlib
import math
import re
import time
from typing import Protocol
from urllib.parse import parse_qs

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter, SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from spaceport.kit.errors import TooManyRequests, error_response

UNLIMITED_PATHS = ("/health", "/docs", "/openapi.json", "/redoc")


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: str, storage_uri: str | None = None) -> None:
        self.app = app
        item: RateLimitItem = parse(limit)
        self.budget: Budget = SharedBudget(item, storage_uri) if storage_uri else LocalBudget(item)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNLIMITED_PATHS):
            await self.app(scope, receive, send)
            return
        retry_after = self.budget.spend(client_key(scope))
        if retry_after is not None:
            await error_response(TooManyRequests(retry_after))(scope, receive, send)
            return
        await self.app(scope, receive, send)


class Budget(Protocol):
    def spend(self, key: str) -> int | None:
        """Counts one request of `key`: None when its budget allows it, else the seconds to
        wait (Retry-After)."""


class SharedBudget:
    """The budget every process shares, in Redis: limits' sliding window counter."""

    def __init__(self, item: RateLimitItem, storage_uri: str) -> None:
        self.item = item
        self.limiter = SlidingWindowCounterRateLimiter(storage_from_string(storage_uri))

    def spend(self, key: str) -> int | None:
        if self.limiter.hit(self.item, key):
            return None
        reset_time = self.limiter.get_window_stats(self.item, key).reset_time
        return max(1, math.ceil(reset_time - time.time()))


class LocalBudget:
    """The budget of one process, counted as limits' sliding window counter counts (the
    previous window's count weighted by the share of it still inside the last `window`
    seconds, plus the current window's), in a dict on the event loop: limits' memory storage
    starts a timer thread every 10 ms to expire its keys (issue 13: a thread per request)."""

    def __init__(self, item: RateLimitItem) -> None:
        self.amount = item.amount
        self.window = item.get_expiry()
        self.index = 0  # the current window's, when the dict was last pruned
        self.counts: dict[str, tuple[int, int, int]] = {}  # window index, previous, current

    def spend(self, key: str, now: float | None = None) -> int | None:
        now = time.time() if now is None else now
        index = int(now // self.window)
        if index != self.index:  # a new window: the keys quiet for two windows count nothing
            self.index = index
            self.counts = {k: c for k, c in self.counts.items() if c[0] >= index - 1}
        seen, previous, current = self.counts.get(key, (index, 0, 0))
        if seen != index:
            previous, current = (current if seen == index - 1 else 0), 0
        left = self.window - (now - index * self.window)  # of the current window
        weighted = previous * left / self.window + current
        if weighted + 1 > self.amount:
            self.counts[key] = (index, previous, current)
            # the previous window's share falls by previous/window a second; at the window's
            # end this one becomes the previous
            excess = weighted + 1 - self.amount
            wait = excess * self.window / previous if previous else left
            return max(1, math.ceil(min(wait, left) if current < self.amount else left))
        self.counts[key] = (index, previous, current + 1)
        return None


# COMPAT §3.2: a launch code is 64 url-safe characters. Anything else (`Authorization: null`,
# which the Node SDK sends before login) is no code: it is budgeted by address, not shared by
# every anonymous caller, and random strings cannot each buy a fresh budget.
LAUNCH_CODE = re.compile(r"[A-Za-z0-9_-]{64}")


def client_key(scope: Scope) -> str:
    """The launch code's hash when there is one (COMPAT §3.1 places), else the client address."""
    code = ""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            code = value.decode("latin-1").strip()
            code = code[7:].strip() if code.lower().startswith("bearer ") else code
    if not code:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        code = query.get("access_token", [""])[0]
    if LAUNCH_CODE.fullmatch(code):
        return "code:" + hashlib.sha256(code.encode()).hexdigest()
    client = scope.get("client") or ("unknown", 0)
    return f"address:{client[0]}"


class KeyedLimits:
    """Budgets per key of one kind of attempt (a login, a reset: limited per email and per
    address), in the same storage as the middleware (memory, or Redis shared by every process).
    Counted exactly, in a moving window (WEB §W2.2: the 11th failure within any 15 minutes is
    refused): the middleware's sliding counter only estimates the previous window's share,
    and lets an 11th through right after a window's boundary."""

    def __init__(self, limits: dict[str, str], storage_uri: str | None = None) -> None:
        self.items = {kind: parse(limit) for kind, limit in limits.items()}
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri or "memory://"))

    def hit(self, namespace: str, keys: dict[str, str]) -> None:
        """Counts one attempt against each key (`{"email": ..., "address": ...}`); raises
        `TooManyRequests` with the longest wait when any budget is spent."""
        self._charge(namespace, keys, count=True)

    def check(self, namespace: str, keys: dict[str, str]) -> None:
        """Raises `TooManyRequests` when any key's budget is spent, counting nothing (WEB §W2.2:
        only failed logins count, and a spent budget refuses the next one unchecked)."""
        self._charge(namespace, keys, count=False)

    def _charge(self, namespace: str, keys: dict[str, str], *, count: bool) -> None:
        waits = []
        for kind, key in keys.items():
            item = self.items[kind]
            identity = f"{namespace}:{kind}:{hashlib.sha256(key.encode()).hexdigest()}"
            allowed = (self.limiter.hit if count else self.limiter.test)(item, identity)
            if not allowed:
                reset_time = self.limiter.get_window_stats(item, identity).reset_time
                waits.append(max(1, math.ceil(reset_time - time.time())))
        if waits:
            raise TooManyRequests(max(waits))
