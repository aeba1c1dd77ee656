"""What real Space Invoices clients put on the wire (COMPAT §1): case-insensitive routes,
trailing slashes, the Date header, and bodies and queries decoded with Node's `qs` rules."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from decimal import Decimal
from email.utils import formatdate
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ValidationError
from qs_codec import DecodeOptions, decode
from starlette.datastructures import UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spaceport.kit.errors import BadRequest, ValidationFailed, validation_messages

# COMPAT §1.10: /v1/organizations/:id/<models>/:fk reaches /v1/<models>/:fk of that organization.
RELATION_ROUTE = re.compile(r"^/v1/organizations/([0-9a-f]{24})/([a-z]+)/([0-9a-f]{24})$")
RELATION_COLLECTIONS = frozenset(
    {
        "defaults",
        "clients",
        "items",
        "taxes",
        "documents",
        "payments",
        "recurrences",
        "webhooks",
        "units",
        "categories",
        "pricelists",
        "prices",
        "orders",
    }
)
RELATION_METHODS = frozenset({"GET", "PUT", "PATCH", "DELETE"})
RELATION_ORGANIZATION = "spaceport.relation_organization"

QS_OPTIONS = DecodeOptions(depth=20, list_limit=10_000, parameter_limit=100_000)

M = TypeVar("M", bound=BaseModel)


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
    routes reach the model's own route, and a POST to `/v1/<models>/:id` is a PATCH.
    COMPAT §1.2.1: multipart labelled as form-urlencoded is read as multipart. COMPAT §1.5 and
    §1.12: every answer has exactly one Date header (the .NET SDK fails without it; the
    server is told not to add its own: `date_header=False` in `cli.serve_api`)."""

    def __init__(
        self, app: ASGIApp, words: frozenset[str], patchable: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.words = words
        self.patchable = patchable

    def normalize(self, path: str) -> str:
        segments = [s.lower() if s.lower() in self.words else s for s in path.split("/")]
        normalized = "/".join(segments)
        return normalized.rstrip("/") or "/" if len(normalized) > 1 else normalized

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = self.normalize(scope["path"])
        scope = dict(scope, path=path, raw_path=path.encode())
        relation = RELATION_ROUTE.match(path) if scope["method"] in RELATION_METHODS else None
        if relation and relation.group(2) in RELATION_COLLECTIONS:
            organization_id, collection, fk = relation.groups()
            path = f"/v1/{collection}/{fk}"
            scope.update(
                path=path, raw_path=path.encode(), **{RELATION_ORGANIZATION: organization_id}
            )
        by_id = BY_ID_ROUTE.match(path) if scope["method"] == "POST" else None
        if by_id and by_id.group(1) in self.patchable:
            scope["method"] = "PATCH"
        scope["headers"] = multipart_mislabelled(list(scope.get("headers", [])))

        async def send_with_date(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                headers.append((b"date", formatdate(usegmt=True).encode()))
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, send_with_date)


def decode_qs(text: str | dict[str, Any]) -> dict[str, Any]:
    try:
        decoded = decode(text, QS_OPTIONS)
    except Exception as exc:  # qs_codec raises plain errors on pathological input
        raise BadRequest(f"Malformed parameters: {exc}") from exc
    return dict(decoded)


def decode_json(raw: bytes) -> Any:
    try:
        return json.loads(raw, parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"Malformed JSON body: {exc}") from exc


async def read_body(request: Request) -> dict[str, Any]:
    """The request body as a dict, from JSON, form or multipart (COMPAT §1.2)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form()
        fields: dict[str, Any] = {}
        files: dict[str, UploadFile] = {}
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[key] = value
            else:
                fields[key] = value
        return {**decode_qs(fields), **files}
    raw = await request.body()
    if not raw.strip():
        return {}
    if content_type == "application/x-www-form-urlencoded":
        return decode_qs(raw.decode("utf-8", errors="replace"))
    body = decode_json(raw)
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object")
    return body


async def read_query(request: Request) -> dict[str, Any]:
    """Query parameters with bracket keys decoded (COMPAT §1.4). A GET may carry a JSON body
    whose `filter` or `where` counts as if it came in the query (COMPAT §1.3)."""
    query = decode_qs(request.url.query) if request.url.query else {}
    if request.method == "GET" and request.headers.get("content-length", "0") != "0":
        raw = await request.body()
        if raw.strip():
            body = decode_json(raw)
            if isinstance(body, dict):
                for key in ("filter", "where"):
                    if key in body and key not in query:
                        query[key] = body[key]
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
        return validate(model, await read_body(request))

    dependency.__spaceport_body__ = model  # type: ignore[attr-defined]  # for OpenAPI
    return Depends(dependency)


async def query_params(request: Request) -> dict[str, Any]:
    return await read_query(request)


Query = Depends(query_params)
