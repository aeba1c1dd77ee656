"""CORS as LoopBack serves it by default (COMPAT §1.14): every `/v1` route answers a preflight
with 204, the allowed origin echoed; actual answers carry `Access-Control-Allow-Origin` and
`Vary: Origin`. No credentials mode: launch codes travel in headers, not cookies.
`SPACEPORT_CORS_ORIGINS` (comma-separated, default `*`) narrows the origins. Paths outside
`/v1` (the web app's pages and forms, which use cookies) never answer CORS."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOW_METHODS = b"GET, HEAD, POST, PUT, PATCH, DELETE"
# Asked for or not, these are allowed (COMPAT §1.14 "at least").
BASE_HEADERS = ("authorization", "content-type", "idempotency-key")
# Headers a browser client may read from an answer: the rate limit's wait, a file's name.
EXPOSE_HEADERS = b"Retry-After, Content-Disposition"
MAX_AGE = b"86400"


def allowed_origins(setting: str) -> frozenset[str] | None:
    """None allows every origin (`*`); otherwise the listed origins, without a trailing slash."""
    origins = {origin.strip().rstrip("/") for origin in setting.split(",") if origin.strip()}
    return None if not origins or "*" in origins else frozenset(origins)


def requested_headers(asked: str) -> bytes:
    names = [name.strip().lower() for name in asked.split(",") if name.strip()]
    merged = list(dict.fromkeys([*BASE_HEADERS, *names]))
    return ", ".join(merged).encode("latin-1")


def with_vary_origin(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The answer's headers with `Origin` added to its `Vary` (kept if it has one)."""
    vary = [value for name, value in headers if name.lower() == b"vary"]
    rest = [(name, value) for name, value in headers if name.lower() != b"vary"]
    words = [w.strip() for value in vary for w in value.split(b",") if w.strip()]
    if b"origin" not in (w.lower() for w in words):
        words.append(b"Origin")
    return [*rest, (b"vary", b", ".join(words))]


class CorsMiddleware:
    def __init__(self, app: ASGIApp, origins: str = "*") -> None:
        self.app = app
        self.origins = allowed_origins(origins)

    def allows(self, origin: str) -> bool:
        return self.origins is None or origin.rstrip("/") in self.origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].lower().startswith("/v1"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        asked_method = headers.get("access-control-request-method")
        if scope["method"] == "OPTIONS" and asked_method is not None:
            await self.preflight(origin, headers, send)
            return
        await self.app(scope, receive, self.answer_with_origin(origin, send))

    async def preflight(self, origin: str, headers: Headers, send: Send) -> None:
        answer: list[tuple[bytes, bytes]] = [(b"vary", b"Origin")]
        if self.allows(origin):
            asked = headers.get("access-control-request-headers", "")
            answer += [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"access-control-allow-methods", ALLOW_METHODS),
                (b"access-control-allow-headers", requested_headers(asked)),
                (b"access-control-max-age", MAX_AGE),
            ]
        await send({"type": "http.response.start", "status": 204, "headers": answer})
        await send({"type": "http.response.body", "body": b""})

    def answer_with_origin(self, origin: str, send: Send) -> Send:
        allowed = self.allows(origin)

        async def send_with_origin(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = with_vary_origin(list(message.get("headers", [])))
                if allowed:
                    headers.append((b"access-control-allow-origin", origin.encode("latin-1")))
                    headers.append((b"access-control-expose-headers", EXPOSE_HEADERS))
                message = dict(message, headers=headers)
            await send(message)

        return send_with_origin
