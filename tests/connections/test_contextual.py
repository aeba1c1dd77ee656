"""Calls to Contextual AI through the SDK (connections/contextual.py; FLOWS §F2.4,
FLOWS §F6.4, FLOWS §F8.4): the provider's message and Retry-After as read from its answers,
the key redacted, and the loopback server's answers read by the SDK's own types (so that what
the tests pass against is what the SDK expects)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from contextual import AsyncContextualAI, ContextualAI
from contextual._response import AsyncAPIResponse

from spaceport.connections import contextual
from spaceport.kit.db import utcnow
from tests.flows.contextual_server import API_KEY, ContextualServer


def response(status: int, content: bytes | str, **headers: str) -> httpx.Response:
    body = content.encode() if isinstance(content, str) else content
    return httpx.Response(status, content=body, headers=headers)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"detail": "Invalid API key"}', "Invalid API key"),
        ('{"message": "Quota exceeded"}', "Quota exceeded"),
        ('{"detail": [{"msg": "Field required"}]}', '[{"msg":"Field required"}]'),
        ('{"other": 1}', '{"other": 1}'),
        ("Bad gateway", "Bad gateway"),
        ("", "Service Unavailable"),
    ],
)
def test_the_provider_message(body: str, message: str) -> None:
    """FLOWS §F2.4: the JSON body's `detail` or `message`, else the body text."""
    assert contextual.provider_message(response(503, body)) == message


def test_a_long_provider_message_is_cut() -> None:
    assert len(contextual.provider_message(response(500, "x" * 5000))) == contextual.MESSAGE_LENGTH


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert contextual.retry_after(response(429, "", **{"Retry-After": "120"})) == 120
    later = format_datetime(utcnow() + timedelta(seconds=300), usegmt=True)
    seconds = contextual.retry_after(response(503, "", **{"Retry-After": later}))
    assert seconds is not None and 290 < seconds <= 300
    assert contextual.retry_after(response(503, "")) is None
    assert contextual.retry_after(response(503, "", **{"Retry-After": "soon"})) is None


def test_the_key_is_redacted_from_what_the_provider_says() -> None:
    assert contextual.redacted("bad key sk-123", "sk-123") == "bad key [redacted]"


def test_a_call_with_no_time_left_is_not_made(contextual_server: ContextualServer) -> None:
    async def never(_sdk: AsyncContextualAI) -> AsyncAPIResponse[Any]:
        raise AssertionError("called")

    with pytest.raises(contextual.ProviderError, match="no time left"):
        asyncio.run(
            contextual.call(
                API_KEY, contextual_server.base_url, never, allow_private=True, seconds=0
            )
        )


def test_the_loopback_server_answers_as_the_sdk_reads(contextual: ContextualServer) -> None:
    """Every answer of tests/flows/contextual_server.py parsed by the SDK's typed methods."""
    sdk = ContextualAI(api_key=API_KEY, base_url=contextual.base_url, max_retries=0)
    with sdk:
        datastore = sdk.datastores.create(name="Invoices").id
        assert [d.name for d in sdk.datastores.list(limit=1)] == ["Invoices"]
        assert sdk.datastores.metadata(datastore).name == "Invoices"
        document = sdk.datastores.documents.ingest(
            datastore, file=("1.pdf", b"%PDF-1.7", "application/pdf"), metadata="{}"
        ).id
        assert [d.id for d in sdk.datastores.documents.list(datastore)] == [document]
        assert sdk.datastores.documents.metadata(document, datastore_id=datastore).status
        sdk.datastores.documents.delete(document, datastore_id=datastore)
        agent = sdk.agents.create(name="Checker", datastore_ids=[datastore])
        assert agent.datastore_ids == [datastore]
        assert [a.name for a in sdk.agents.list()] == ["Checker"]
        assert sdk.agents.metadata(agent.id).name == "Checker"
        answer = sdk.agents.query.create(agent.id, messages=[{"role": "user", "content": "Hi"}])
        assert answer.message is not None and answer.message.content == "You asked: Hi"
        sdk.agents.reset(agent.id)
        sdk.agents.delete(agent.id)
        sdk.datastores.reset(datastore)
        sdk.datastores.delete(datastore)
    assert len(contextual.received) == 15
