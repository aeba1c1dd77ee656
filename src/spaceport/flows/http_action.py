"""`http.request` (FLOWS §F6.3): `{method, url, headers?, body?}`; object and list bodies go as
JSON, strings as they are; no redirects. Every call connects only to an address the server's
one check allows (`kit.addresses`, FLOWS §F2.5): refused, the step fails at once with
`statusCode` null. The output is `{status, headers, body}` (parsed when JSON); a status of 400
or more fails the step with that `statusCode` (retried when FLOWS §F8.4 says so)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any, Final

import httpx

from spaceport.flows import inputs, shown
from spaceport.flows.actions import Action, ActionContext, StepError, retryable_status
from spaceport.kit.addresses import (
    AddressRefused,
    address_literal,
    connect_addresses,
    host_of,
    refuse_inside,
)
from spaceport.kit.db import utcnow
from spaceport.kit.json import dumps
from spaceport.kit.outbound import pinned_request, tls_context

CALL_SECONDS: Final = 30.0  # FLOWS §F6.4's bound for an outside call, also here
CONNECT_SECONDS: Final = 5.0
METHODS: Final = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
MESSAGE_CHARS: Final = 500


def retry_after(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds (a number or an HTTP date)."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - utcnow()).total_seconds())
    except (TypeError, ValueError):
        return None


def body_of(response: httpx.Response) -> Any:
    text = response.text
    if "json" in response.headers.get("content-type", ""):
        try:
            return json.loads(text, parse_float=Decimal)
        except ValueError:
            return text
    return text


def content_of(body: Any, headers: dict[str, str]) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, dict | list):
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"
        return dumps(body)
    return str(body).encode()


async def request(ctx: ActionContext, given: dict[str, Any]) -> Any:
    method, url = str(given["method"]).upper(), str(given["url"])
    headers = {str(k): str(v) for k, v in (given.get("headers") or {}).items()}
    content = content_of(given.get("body"), headers)
    try:
        addresses = connect_addresses(url, allow_private=ctx.settings.webhook_allow_private)
    except AddressRefused as exc:
        raise StepError(f"The address is refused: {exc}") from exc
    except ConnectionError as exc:
        raise StepError(str(exc), retryable=True) from exc
    seconds = ctx.call_timeout(CALL_SECONDS)
    timeout = httpx.Timeout(seconds, connect=min(CONNECT_SECONDS, seconds))
    outgoing = pinned_request(method, url, addresses[0], headers, content)
    async with httpx.AsyncClient(
        timeout=timeout, follow_redirects=False, trust_env=False, verify=tls_context()
    ) as client:
        try:
            response = await client.send(outgoing)
        except httpx.TimeoutException as exc:
            raise StepError(f"no answer within {seconds:g} s", retryable=True) from exc
        except httpx.HTTPError as exc:
            raise StepError(f"{type(exc).__name__}: {exc}", retryable=True) from exc
    body = body_of(response)
    if response.status_code >= 400:
        text = body if isinstance(body, str) else dumps(body).decode()
        raise StepError(
            f"HTTP {response.status_code}: {text[:MESSAGE_CHARS]}",
            status_code=response.status_code,
            retryable=retryable_status(response.status_code),
            retry_after=retry_after(response),
        )
    return {"status": response.status_code, "headers": dict(response.headers), "body": body}


def saved(given: Mapping[str, Any], allow_private: bool) -> dict[str, str]:
    """FLOWS §F2.5: a literal URL must be http(s) and, when its host is an address literal or
    a local name, a public one (names are checked again at every call)."""
    url = given.get("url")
    if not isinstance(url, str) or inputs.templated(url):
        return {}
    try:
        host = host_of(url)
        literal = address_literal(host)
        if not allow_private:
            refuse_inside(host, [literal] if literal is not None else [])
    except AddressRefused as exc:
        return {"url": str(exc)}
    return {}


def visible(given: dict[str, Any]) -> dict[str, Any]:
    """FLOWS §F6.3: secret headers shown as "[redacted]"."""
    if "headers" not in given:
        return given
    return {**given, "headers": shown.redact_headers(given["headers"])}


HTTP_REQUEST: Final = Action(
    name="http.request",
    title="HTTP request",
    description="Sends an HTTP request; object or list bodies as JSON. No redirects; only"
    " public addresses.",
    provider="http",
    connection_type=None,
    input_schema={
        "type": "object",
        "properties": {
            "method": {"type": "string", "enum": METHODS},
            "url": {"type": "string", "minLength": 1},
            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
            "body": {},
        },
        "required": ["method", "url"],
        "additionalProperties": False,
    },
    run=request,
    shown=visible,
    check=saved,
)
