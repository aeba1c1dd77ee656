"""Calls to Contextual AI through the official SDK (`contextual-client`, pinned), shared by the
connection test (FLOWS §F2.4) and the Contextual actions of flows (FLOWS §F6.4).

One call is one HTTP request: the SDK's own retries off (`max_retries=0`; a flow retries by
FLOWS §F8.4), at most `seconds` in all (30 s, less if the run has less left) and 5 s to connect,
through a transport that connects only to addresses the one address check allows, checked on
the address connected to (`kit.outbound`, FLOWS §F2.5). The answer is the provider's JSON as it
sent it (the SDK's raw response, unparsed); a failure raises `ProviderError` with the provider's
status (None when unreachable) and message: its JSON body's `detail` or `message`, else the
body text (FLOWS §F2.4). The key is in no message: a provider that echoes it gets it
redacted (FLOWS §F2.3)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from email.utils import parsedate_to_datetime
from typing import Any, Final

import httpx
import orjson
from contextual import APIConnectionError, APIStatusError, APITimeoutError, AsyncContextualAI
from contextual._response import AsyncAPIResponse

from spaceport.kit.addresses import AddressRefused
from spaceport.kit.db import utcnow
from spaceport.kit.outbound import PinnedTransport

DEFAULT_BASE_URL: Final = "https://api.contextual.ai/v1"
CALL_SECONDS: Final = 30.0
CONNECT_SECONDS: Final = 5.0
MESSAGE_LENGTH: Final = 1000
REDACTED: Final = "[redacted]"

Request = Callable[[AsyncContextualAI], Awaitable[AsyncAPIResponse[Any]]]


class ProviderError(Exception):
    """A call that did not succeed: the provider's status and message, or `status_code`
    None when it could not be reached (`refused`: the address check refused it)."""

    def __init__(
        self,
        status_code: int | None,
        message: str,
        *,
        refused: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.refused = refused
        self.retry_after = retry_after


@asynccontextmanager
async def client(
    api_key: str, base_url: str, *, allow_private: bool, seconds: float
) -> AsyncIterator[AsyncContextualAI]:
    timeout = httpx.Timeout(seconds, connect=min(CONNECT_SECONDS, seconds))
    http = httpx.AsyncClient(
        transport=PinnedTransport(allow_private=allow_private),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )
    sdk = AsyncContextualAI(
        api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout, http_client=http
    )
    try:
        yield sdk
    finally:
        await sdk.close()


async def call(
    api_key: str,
    base_url: str,
    request: Request,
    *,
    allow_private: bool,
    seconds: float = CALL_SECONDS,
) -> Any:
    """One call: the provider's JSON answer; raises `ProviderError`."""
    if seconds <= 0:
        raise ProviderError(None, "no time left for the call")
    try:
        async with asyncio.timeout(seconds):
            async with client(
                api_key, base_url, allow_private=allow_private, seconds=seconds
            ) as sdk:
                response = await request(sdk)
                body = await response.read()
    except APIStatusError as exc:
        raise ProviderError(
            exc.status_code,
            redacted(provider_message(exc.response), api_key),
            retry_after=retry_after(exc.response),
        ) from None
    except (APITimeoutError, TimeoutError):
        raise ProviderError(None, f"no answer within {seconds:g} s") from None
    except APIConnectionError as exc:
        cause = exc.__cause__
        if isinstance(cause, AddressRefused):
            raise ProviderError(None, f"refused: {cause}", refused=True) from None
        reason = (str(cause) or type(cause).__name__) if cause else exc.message
        raise ProviderError(None, redacted(f"cannot connect: {reason}", api_key)) from None
    return answer(body)


def answer(body: bytes) -> Any:
    """The provider's JSON, or its text when it is not JSON."""
    if not body.strip():
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return body.decode("utf-8", "replace")


def provider_message(response: httpx.Response) -> str:
    """FLOWS §F2.4: the JSON body's `detail` or `message`, else the body text."""
    text = response.text
    try:
        body = orjson.loads(text)
    except orjson.JSONDecodeError:
        body = None
    if isinstance(body, dict):
        for key in ("detail", "message"):
            if body.get(key) not in (None, ""):
                found = body[key]
                text = found if isinstance(found, str) else orjson.dumps(found).decode()
                break
    text = text.strip() or response.reason_phrase or "no message"
    return text[:MESSAGE_LENGTH]


def redacted(message: str, api_key: str) -> str:
    return message.replace(api_key, REDACTED) if api_key else message


def retry_after(response: httpx.Response) -> float | None:
    """A `Retry-After` in seconds or as an HTTP date (FLOWS §F8.4: a longer one wins)."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max((parsedate_to_datetime(value) - utcnow()).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return None


async def test(api_key: str, base_url: str, *, allow_private: bool) -> None:
    """FLOWS §F2.4: the cheapest authenticated call, `GET /datastores?limit=1`."""

    async def datastores(sdk: AsyncContextualAI) -> AsyncAPIResponse[Any]:
        return await sdk.datastores.with_raw_response.list(limit=1)

    await call(api_key, base_url, datastores, allow_private=allow_private)
