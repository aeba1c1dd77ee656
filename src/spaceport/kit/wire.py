"""What real Space Invoices clients put on the wire (COMPAT §1.1 through COMPAT §1.14):
case-insensitive routes, trailing slashes, the Date header, and bodies and queries decoded
with Node's `qs` rules."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from email.utils import formatdate
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import unquote_to_bytes

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ValidationError
from qs_codec import DecodeOptions, decode
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, Headers, UploadFile
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spaceport.kit import bounds
from spaceport.kit.errors import (
    ApiError,
    BadRequest,
    ValidationFailed,
    error_response,
    validation_messages,
)

# COMPAT §1.10: /v1/organizations/:id/<models>/:fk reaches /v1/<models>/:fk of that organization.
RELATION_ROUTE = re.compile(r"^/v1/organizations/([0-9a-f]{24})/([a-z]+)/([0-9a-f]{24})$")
RELATION_METHODS = frozenset({"GET", "PUT", "PATCH", "DELETE"})
RELATION_ORGANIZATION = "spaceport.relation_organization"

QS_OPTIONS = DecodeOptions(depth=20, list_limit=10_000, parameter_limit=100_000)

M = TypeVar("M", bound=BaseModel)
Given = Callable[[], M]  # a body of `given_body`, decoded and validated when called


# COMPAT §1.10: `POST /v1/<models>/:id` is a partial update, as PATCH.
BY_ID_ROUTE = re.compile(r"^/v1/([a-z]+)/([0-9a-f]{24})$")
BY_ID_TEMPLATE = re.compile(r"^/v1/([a-z]+)/\{[a-z_]+\}$")


def static_segments(routers: Iterable[APIRouter]) -> frozenset[str]:
    """The fixed words of every route (`v1`, `organizations`, `accesstokens`, ...)."""
    words: set[str] = set()
    for router in routers:
        for route in router.routes:
            path = getattr(route, "path", "")
            words.update(w.lower() for w in path.split("/") if w and not w.startswith("{"))
    return frozenset(words)


def patchable_collections(routers: Iterable[APIRouter]) -> frozenset[str]:
    """The `<models>` whose `/v1/<models>/:id` takes PATCH and has no POST of its own: a POST
    there is the partial update of COMPAT §1.10."""
    methods: dict[str, set[str]] = {}
    for router in routers:
        for route in router.routes:
            template = BY_ID_TEMPLATE.match(getattr(route, "path", ""))
            if template:
                methods.setdefault(template.group(1), set()).update(getattr(route, "methods", ()))
    return frozenset(name for name, verbs in methods.items() if "PATCH" in verbs - {"POST"})


def multipart_mislabelled(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """COMPAT §1.2.1: a body labelled form-urlencoded whose Content-Type carries a `boundary`
    is multipart (the reference's logo upload example sends exactly that)."""
    fixed = []
    for name, value in headers:
        if name == b"content-type":
            kind, _, params = value.partition(b";")
            if kind.strip().lower() == b"application/x-www-form-urlencoded" and (
                b"boundary=" in params.lower()
            ):
                value = b"multipart/form-data;" + params
        fixed.append((name, value))
    return fixed


class WireMiddleware:
    """COMPAT §1.1: route matching ignores case and a trailing slash. The fixed words of a path
    are lowercased; parameters (ids, launch codes) keep their case. COMPAT §1.10: relation
    routes reach the model's own route (for the `relations` collections), and a POST to
    `/v1/<models>/:id` is a PATCH.
    COMPAT §1.2.1: multipart labelled as form-urlencoded is read as multipart. Its refusals
    (kit.bounds) are answered through `CorsMiddleware` and `DateMiddleware`, which wrap it
    (COMPAT §1.14: a browser client reads them too)."""

    def __init__(
        self,
        app: ASGIApp,
        words: frozenset[str],
        relations: frozenset[str],
        patchable: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.words = words
        self.relations = relations
        self.patchable = patchable

    def normalize(self, path: str) -> str:
        segments = [s.lower() if s.lower() in self.words else s for s in path.split("/")]
        normalized = "/".join(segments)
        return normalized.rstrip("/") or "/" if len(normalized) > 1 else normalized

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = refusal(scope)
        if refused is not None:
            await error_response(refused)(scope, receive, send)
            return
        path = self.normalize(scope["path"])
        scope = dict(scope, path=path, raw_path=path.encode())
        relation = RELATION_ROUTE.match(path) if scope["method"] in RELATION_METHODS else None
        if relation and relation.group(2) in self.relations:
            organization_id, collection, fk = relation.groups()
            path = f"/v1/{collection}/{fk}"
            scope.update(
                path=path, raw_path=path.encode(), **{RELATION_ORGANIZATION: organization_id}
            )
        by_id = BY_ID_ROUTE.match(path) if scope["method"] == "POST" else None
        if by_id and by_id.group(1) in self.patchable:
            scope["method"] = "PATCH"
        scope["headers"] = multipart_mislabelled(list(scope.get("headers", [])))
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited(receive), tracked)
        except bounds.PayloadTooLarge as exc:  # raised by `limited` outside any route
            await error_response(exc)(scope, receive, send)
        except Exception:
            # An unexpected error's 500 is answered here, inside CORS and the Date header
            # (COMPAT §1.12, COMPAT §1.14), not by Starlette's outermost error middleware; it
            # is raised on so that middleware logs it (the app's handler) and the server too.
            if not started:
                await error_response(ApiError("Internal Server Error"))(scope, receive, send)
            raise


class DateMiddleware:
    """COMPAT §1.5 and COMPAT §1.12: every answer has exactly one Date header (the .NET SDK fails
    without it; the server is told not to add its own: `date_header=False` in
    `cli.serve_api`). The outermost middleware, so that a CORS preflight and the wire's
    refusals have it too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, with_date(send))


@lru_cache(maxsize=1)
def http_date(second: int) -> bytes:
    """The Date header of answers sent within this second, formatted once (issue 13)."""
    return formatdate(second, usegmt=True).encode()


def with_date(send: Send) -> Send:
    """COMPAT §1.5, COMPAT §1.12: exactly one Date header on every answer."""

    async def send_with_date(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
            headers.append((b"date", http_date(int(time.time()))))
            message = dict(message, headers=headers)
        await send(message)

    return send_with_date


def decode_qs(text: str | dict[str, Any]) -> dict[str, Any]:
    try:
        decoded = decode(text, QS_OPTIONS)
    except Exception as exc:  # qs_codec raises plain errors on pathological input
        raise BadRequest(f"Malformed parameters: {exc}") from exc
    return dict(decoded)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def decode_json(raw: bytes) -> Any:
    """A JSON body: UTF-8, numbers as Decimal (COMPAT §1.6), within kit.bounds."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"The request body is not valid UTF-8: {exc}") from exc
    try:
        value = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise BadRequest(f"The JSON body nests deeper than {bounds.MAX_DEPTH} levels") from exc
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, integers of 4300+ digits
        raise BadRequest(f"Malformed JSON body: {exc}") from exc
    bounds.check(value)
    return value


def decode_form(raw: bytes) -> dict[str, Any]:
    """A form body (qs rules, COMPAT §1.2) whose bytes and escapes are valid UTF-8."""
    if not valid_utf8(raw):
        raise BadRequest("The form body is not valid UTF-8")
    return checked(decode_qs(raw.decode("utf-8")))


def valid_utf8(raw: bytes) -> bool:
    """True when `raw` (a path, a query string or a form body) is valid UTF-8, as it is and
    percent-decoded."""
    try:
        raw.decode("utf-8")
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def refusal(scope: Scope) -> ApiError | None:
    """What the wire refuses before any route sees it (kit.bounds): a declared body over the
    size limit (413), a path or query that is not UTF-8 or holds a NUL (400)."""
    length = Headers(scope=scope).get("content-length", "")
    if length.isdigit() and int(length) > bounds.MAX_BODY_BYTES:
        return bounds.PayloadTooLarge()
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    query: bytes = scope.get("query_string", b"")
    for part, raw in (("path", raw_path), ("query", query)):
        if not valid_utf8(raw) or b"\x00" in unquote_to_bytes(raw):
            return BadRequest(f"The {part} is not valid UTF-8 or contains NUL")
    return None


def limited(receive: Receive) -> Receive:
    """`receive` that refuses a body growing past the size limit (413)."""
    received = 0

    async def receive_limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > bounds.MAX_BODY_BYTES:
                raise bounds.PayloadTooLarge()
        return message

    return receive_limited


def checked(values: dict[str, Any]) -> dict[str, Any]:
    bounds.check(values)
    return values


LARGE_BODY = 64 * 1024  # bytes: decoded and validated in a thread, off the event loop


def content_type_of(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def received_body(request: Request) -> tuple[str, bytes | FormData]:
    """The request body as it arrived, with its content type: the bytes, or a multipart
    body's parts (`decoded` makes it the dict `read_body` gives)."""
    content_type = content_type_of(request)
    if content_type == "multipart/form-data":
        return content_type, await request.form()
    return content_type, await request.body()


def decoded(content_type: str, received: bytes | FormData) -> dict[str, Any]:
    """A body `received_body` read, as a dict (`read_body`)."""
    if isinstance(received, bytes):
        return decode_body(content_type, received)
    fields: dict[str, Any] = {}
    files: dict[str, UploadFile] = {}
    for key, value in received.multi_items():
        if isinstance(value, UploadFile):
            files[key] = value
        else:
            fields[key] = value
    return {**checked(decode_qs(fields)), **files}


async def read_body(request: Request) -> dict[str, Any]:
    """The request body as a dict, from JSON, form or multipart (COMPAT §1.2), within
    kit.bounds (COMPAT §2.2: never a 500 on bad input)."""
    return decoded(*await received_body(request))


def decode_body(content_type: str, raw: bytes) -> dict[str, Any]:
    """A JSON or form body as a dict (`read_body` without multipart)."""
    if not raw.strip():
        return {}
    if content_type == "application/x-www-form-urlencoded":
        return decode_form(raw)
    body = decode_json(raw)
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object")
    return body


async def read_query(request: Request) -> dict[str, Any]:
    """Query parameters with bracket keys decoded (COMPAT §1.4). A GET may carry a JSON body
    whose `filter` or `where` counts as if it came in the query (COMPAT §1.3)."""
    return query_of(request, await query_body(request))


async def query_body(request: Request) -> bytes:
    """The body of a GET, which may carry the query (COMPAT §1.3): read, not yet decoded."""
    if request.method == "GET" and request.headers.get("content-length", "0") != "0":
        return await request.body()
    return b""


def query_of(request: Request, body: bytes) -> dict[str, Any]:
    """The query of `read_query` from the GET's body as `query_body` read it."""
    query = checked(decode_qs(request.url.query)) if request.url.query else {}
    if body.strip():
        decoded = decode_json(body)
        if isinstance(decoded, dict):
            for key in ("filter", "where"):
                if key in decoded and key not in query:
                    query[key] = decoded[key]
    return query


def validate(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(validation_messages(exc.errors())) from exc


def body_of(model: type[M]) -> Any:
    """A dependency giving the request body validated as `model`, values coerced to the
    declared types (form values arrive as strings, COMPAT §1.2)."""

    async def dependency(request: Request) -> M:
        content_type, received = await received_body(request)
        if isinstance(received, bytes) and len(received) > LARGE_BODY:
            # issue 15 item 6: a large body holds no other request
            return await run_in_threadpool(lambda: validate(model, decoded(content_type, received)))
        return validate(model, decoded(content_type, received))

    dependency.__spaceport_body__ = model  # type: ignore[attr-defined]  # for OpenAPI
    return Depends(dependency)


def given_body(model: type[M]) -> Any:
    """A dependency giving the request body read but not decoded, a `Given`: calling it decodes
    it and validates it as `model` (as `body_of` does), in the thread of a route that authorizes
    its caller there (`kit.crud.Binding.write`), so that a 401 comes before a 400 or 422 about
    the body (COMPAT §2.2)."""

    async def dependency(request: Request) -> Given[M]:
        try:
            content_type, received = await received_body(request)
        except HTTPException as exc:  # a multipart body Starlette cannot parse: a 400
            malformed = exc

            def refused() -> M:
                raise malformed

            return refused
        return lambda: validate(model, decoded(content_type, received))

    dependency.__spaceport_body__ = model  # type: ignore[attr-defined]  # for OpenAPI
    return Depends(dependency)


async def query_params(request: Request) -> dict[str, Any]:
    return await read_query(request)


query_params.__spaceport_query__ = True  # type: ignore[attr-defined]  # for OpenAPI: `filter`
query_body.__spaceport_query__ = True  # type: ignore[attr-defined]


Query = Depends(query_params)
# For routes that decode the query in their own thread, once the caller is known (kit.routes):
# the GET's body, read in the loop, for `query_of`.
QueryBody = Depends(query_body)
