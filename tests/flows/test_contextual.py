"""Contextual AI's actions (flows/contextual.py; FLOWS §F6.4, FLOWS §F6.5, FLOWS §F8.4): each
of the fifteen called against the loopback Contextual AI server with the right method, path,
body and key; camelCase inputs as snake_case, absent ones not sent; the provider's answer as
the output; provider errors as the step's error, retryable or not."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from spaceport.config import Settings
from spaceport.flows import catalog
from spaceport.flows.actions import ActionContext, Credentials, StepError
from spaceport.flows.contextual import ACTIONS, snake
from spaceport.kit.db import Database
from tests.flows.contextual_server import API_KEY, ContextualServer


def context(
    database: Database,
    settings: Settings,
    base_url: str,
    *,
    key: str = API_KEY,
    organization_id: str = "o" * 24,
    seconds: float = 900,
) -> ActionContext:
    return ActionContext(
        database=database,
        settings=settings,
        organization_id=organization_id,
        account_id=None,
        run_id="r" * 24,
        step_key="step",
        deadline=time.monotonic() + seconds,
        connection=Credentials("c" * 24, "contextual", key, base_url),
    )


def run(ctx: ActionContext, name: str, values: dict[str, Any]) -> Any:
    action = catalog.find(f"contextual.{name}")
    assert action is not None

    async def step() -> Any:
        return await action.run(ctx, values)

    return asyncio.run(step())


@pytest.fixture
def ctx(
    database: Database, private_allowed: Settings, contextual: ContextualServer
) -> ActionContext:
    return context(database, private_allowed, contextual.base_url)


# -- FLOWS §F6.4: the fifteen, each with its method, path, body and key --------------------------
def test_the_catalog_lists_the_fifteen_with_object_schemas() -> None:
    names = [a.name for a in ACTIONS]
    assert len(names) == 15 and all(catalog.find(name) for name in names)
    assert all(a.provider == "contextual" and a.connection_type == "contextual" for a in ACTIONS)
    assert all(a.input_schema["type"] == "object" for a in ACTIONS)
    assert snake("datastoreIds") == "datastore_ids" and snake("documentNamePrefix") == (
        "document_name_prefix"
    )


def test_create_datastore(ctx: ActionContext, contextual: ContextualServer) -> None:
    output = run(ctx, "createDatastore", {"name": "Invoices"})
    call = contextual.last()
    assert (call.method, call.path, call.json, call.key) == (
        "POST",
        "/v1/datastores",
        {"name": "Invoices"},
        API_KEY,
    )
    assert contextual.datastores[output["id"]]["name"] == "Invoices"


def test_list_datastores_pages_by_cursor(ctx: ActionContext, contextual: ContextualServer) -> None:
    agent = contextual.add_agent("Checker", [contextual.add_datastore(f"d{i}") for i in range(3)])
    first = run(ctx, "listDatastores", {"agentId": agent, "limit": 2, "cursor": None})
    call = contextual.last()
    assert (call.method, call.path) == ("GET", "/v1/datastores")
    assert call.query == {"agent_id": [agent], "limit": ["2"]} and call.key == API_KEY
    assert len(first["datastores"]) == 2 and first["next_cursor"] == "2"
    rest = run(ctx, "listDatastores", {"agentId": agent, "cursor": first["next_cursor"]})
    assert contextual.last().query["cursor"] == ["2"]
    assert len(rest["datastores"]) == 1 and "next_cursor" not in rest


@pytest.mark.parametrize(
    ("name", "method", "suffix"),
    [
        ("getDatastoreMetadata", "GET", "/metadata"),
        ("resetDatastore", "PUT", "/reset"),
        ("deleteDatastore", "DELETE", ""),
    ],
)
def test_datastore_actions(
    ctx: ActionContext, contextual: ContextualServer, name: str, method: str, suffix: str
) -> None:
    datastore = contextual.add_datastore("Invoices")
    output = run(ctx, name, {"datastoreId": datastore})
    call = contextual.last()
    assert (call.method, call.path, call.key) == (
        method,
        f"/v1/datastores/{datastore}{suffix}",
        API_KEY,
    )
    assert call.json is None
    if name == "getDatastoreMetadata":
        assert output["name"] == "Invoices" and output["agent_ids"] == []
    if name == "deleteDatastore":
        assert datastore not in contextual.datastores


def test_list_documents(ctx: ActionContext, contextual: ContextualServer) -> None:
    datastore = contextual.add_datastore("Invoices")
    for name in ("2026-1.pdf", "2026-2.pdf", "other.pdf"):
        contextual.add_document(datastore, name)
    values = {"datastoreId": datastore, "limit": 1, "documentNamePrefix": "2026"}
    output = run(ctx, "listDocuments", values)
    call = contextual.last()
    assert (call.method, call.path) == ("GET", f"/v1/datastores/{datastore}/documents")
    assert call.query == {"limit": ["1"], "document_name_prefix": ["2026"]}
    assert output["total_count"] == 2 and output["next_cursor"] == "1"


@pytest.mark.parametrize(
    ("name", "method", "suffix"),
    [("getDocumentMetadata", "GET", "/metadata"), ("deleteDocument", "DELETE", "")],
)
def test_document_actions(
    ctx: ActionContext, contextual: ContextualServer, name: str, method: str, suffix: str
) -> None:
    datastore = contextual.add_datastore("Invoices")
    document = contextual.add_document(datastore, "2026-1.pdf")
    output = run(ctx, name, {"datastoreId": datastore, "documentId": document})
    call = contextual.last()
    path = f"/v1/datastores/{datastore}/documents/{document}{suffix}"
    assert (call.method, call.path, call.key) == (method, path, API_KEY)
    if name == "getDocumentMetadata":
        assert output["name"] == "2026-1.pdf" and output["status"] == "completed"


def test_list_agents(ctx: ActionContext, contextual: ContextualServer) -> None:
    contextual.add_agent("One")
    output = run(ctx, "listAgents", {"limit": 5})
    call = contextual.last()
    assert (call.method, call.path, call.query) == ("GET", "/v1/agents", {"limit": ["5"]})
    assert [a["name"] for a in output["agents"]] == ["One"]


def test_create_agent_sends_snake_case_and_leaves_out_what_is_absent(
    ctx: ActionContext, contextual: ContextualServer
) -> None:
    datastore = contextual.add_datastore("Invoices")
    values = {"name": "Checker", "datastoreIds": [datastore], "systemPrompt": "Check totals."}
    output = run(ctx, "createAgent", {**values, "description": None})
    call = contextual.last()
    assert (call.method, call.path) == ("POST", "/v1/agents")
    assert call.json == {
        "name": "Checker",
        "datastore_ids": [datastore],
        "system_prompt": "Check totals.",
    }
    assert output == {"id": output["id"], "datastore_ids": [datastore]}


@pytest.mark.parametrize(
    ("name", "method", "suffix"),
    [
        ("deleteAgent", "DELETE", ""),
        ("resetAgent", "PUT", "/reset"),
        ("getAgentMetadata", "GET", "/metadata"),
    ],
)
def test_agent_actions(
    ctx: ActionContext, contextual: ContextualServer, name: str, method: str, suffix: str
) -> None:
    agent = contextual.add_agent("Checker", description="Checks")
    output = run(ctx, name, {"agentId": agent})
    call = contextual.last()
    assert (call.method, call.path, call.key) == (method, f"/v1/agents/{agent}{suffix}", API_KEY)
    if name == "getAgentMetadata":
        assert output["name"] == "Checker" and output["description"] == "Checks"


def test_query_agent(ctx: ActionContext, contextual: ContextualServer) -> None:
    agent = contextual.add_agent("Checker")
    output = run(ctx, "queryAgent", {"agentId": agent, "message": "Is 1,234.50 right?"})
    call = contextual.last()
    assert (call.method, call.path) == ("POST", f"/v1/agents/{agent}/query")
    assert call.json == {"messages": [{"role": "user", "content": "Is 1,234.50 right?"}]}
    assert output["message"] == {"role": "assistant", "content": "You asked: Is 1,234.50 right?"}


# -- FLOWS §F6.5, FLOWS §F8.4: provider errors --------------------------------------------------
def test_a_provider_error_fails_with_its_status_and_message(
    ctx: ActionContext, contextual: ContextualServer
) -> None:
    with pytest.raises(StepError) as raised:
        run(ctx, "getAgentMetadata", {"agentId": "nobody"})
    error = raised.value
    assert error.record() == {
        "statusCode": 404,
        "message": "Contextual AI answered 404: Agent not found",
    }
    assert error.retryable is False


@pytest.mark.parametrize(
    ("status", "retryable"), [(401, False), (408, True), (429, True), (503, True)]
)
def test_which_statuses_are_retried(
    ctx: ActionContext, contextual: ContextualServer, status: int, retryable: bool
) -> None:
    contextual.fail(status, {"message": "try later"}, headers={"Retry-After": "45"})
    with pytest.raises(StepError) as raised:
        run(ctx, "listAgents", {})
    assert raised.value.status_code == status and raised.value.retryable is retryable
    assert raised.value.message == f"Contextual AI answered {status}: try later"
    assert raised.value.retry_after == 45
    assert len(contextual.received) == 1  # one attempt is one call: the SDK retries nothing


def test_a_wrong_key_is_a_401_and_is_in_no_message(
    database: Database, private_allowed: Settings, contextual: ContextualServer
) -> None:
    ctx = context(database, private_allowed, contextual.base_url, key="secret-wrong-key")
    contextual.fail(401, {"detail": "bad key secret-wrong-key"})
    with pytest.raises(StepError) as raised:
        run(ctx, "listAgents", {})
    assert raised.value.status_code == 401 and raised.value.retryable is False
    assert "secret-wrong-key" not in raised.value.message
    assert contextual.last().key == "secret-wrong-key"


def test_an_unreachable_provider_fails_retryably_with_a_null_status(
    database: Database, private_allowed: Settings
) -> None:
    ctx = context(database, private_allowed, "http://127.0.0.1:9/v1")
    with pytest.raises(StepError) as raised:
        run(ctx, "listAgents", {})
    assert raised.value.status_code is None and raised.value.retryable is True
    assert raised.value.message.startswith("Contextual AI could not be reached")


def test_a_slow_provider_times_out_within_the_time_the_run_has_left(
    database: Database, private_allowed: Settings, contextual: ContextualServer
) -> None:
    ctx = context(database, private_allowed, contextual.base_url, seconds=0.5)
    contextual.fail(None, delay=2)
    started = time.monotonic()
    with pytest.raises(StepError) as raised:
        run(ctx, "listAgents", {})
    assert time.monotonic() - started < 1.8
    assert raised.value.status_code is None and raised.value.retryable is True
    assert "no answer within" in raised.value.message


def test_a_private_address_is_refused_at_the_call_and_not_retried(
    database: Database, settings: Settings, contextual: ContextualServer
) -> None:
    assert settings.webhook_allow_private is False
    ctx = context(database, settings, contextual.base_url)
    with pytest.raises(StepError) as raised:
        run(ctx, "listAgents", {})
    assert raised.value.status_code is None and raised.value.retryable is False
    assert "127.0.0.1" in raised.value.message
    assert contextual.received == []


def test_a_step_without_a_contextual_connection_fails(
    database: Database, private_allowed: Settings
) -> None:
    ctx = context(database, private_allowed, "http://127.0.0.1:9/v1")
    ctx.connection = None
    with pytest.raises(StepError, match="contextual connection"):
        run(ctx, "listAgents", {})
