"""Contextual AI's actions (FLOWS §F6.4, FLOWS §F6.5): the thirteen of its REST API, ingest and
query, each a call of the official SDK through `connections.contextual` (SDK retries off, 30 s a
call and 5 s to connect, less if the run has less left; the address check on the address
connected to, FLOWS §F2.5).

Inputs are camelCase and go as the SDK's snake_case arguments; absent ones (and nulls, what a
missing template variable renders to) are not sent at all. The output is the provider's JSON
answer; a list is its first page (`limit`, `cursor` page on). A provider error fails the step
with `"Contextual AI answered <status>: <provider message>"`; an unreachable provider with
`statusCode` null. FLOWS §F8.4 retries connection errors, timeouts, 408, 429 and 5xx; a refused
address and every other status fail at once."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, Final

from contextual import AsyncContextualAI
from contextual._response import AsyncAPIResponse
from contextual.types.agents.query_create_params import Message

from spaceport.connections import contextual as provider
from spaceport.flows.actions import Action, ActionContext, StepError, retryable_status
from spaceport.flows.ingest import ingest_document

Call = Callable[[AsyncContextualAI, dict[str, Any]], Awaitable[AsyncAPIResponse[Any]]]
PREFIX: Final = "contextual."
CAMEL: Final = re.compile(r"(?<!^)(?=[A-Z])")

ID = {"type": "string", "minLength": 1}
LIMIT = {"type": "integer", "minimum": 1, "maximum": 1000}
CURSOR = {"type": "string"}
TEXT = {"type": "string"}


def snake(name: str) -> str:
    """`datastoreIds` → `datastore_ids`."""
    return CAMEL.sub("_", name).lower()


def arguments(values: dict[str, Any], *skip: str) -> dict[str, Any]:
    """The input as the SDK's keyword arguments, absent and null ones left out."""
    return {snake(k): v for k, v in values.items() if v is not None and k not in skip}


def schema(required: tuple[str, ...], **properties: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema of an input; an optional property may be null (not sent)."""
    for name, rule in properties.items():
        if name not in required:
            properties[name] = {**rule, "type": [rule["type"], "null"]}
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def failure(error: provider.ProviderError) -> StepError:
    """FLOWS §F6.5: the step's error, with the provider's status (null when unreachable)."""
    if error.status_code is None:
        return StepError(
            f"Contextual AI could not be reached: {error.message}",
            status_code=None,
            retryable=not error.refused,
        )
    return StepError(
        f"Contextual AI answered {error.status_code}: {error.message}",
        status_code=error.status_code,
        retryable=retryable_status(error.status_code),
        retry_after=error.retry_after,
    )


async def call(ctx: ActionContext, request: Callable[[AsyncContextualAI], Any]) -> Any:
    """One SDK call on the step's connection (FLOWS §F6.4)."""
    credentials = ctx.connection
    if credentials is None or credentials.type != "contextual":
        raise StepError("a contextual connection is needed", status_code=422)
    try:
        return await provider.call(
            credentials.api_key,
            credentials.base_url,
            request,
            allow_private=ctx.settings.webhook_allow_private,
            seconds=ctx.call_timeout(provider.CALL_SECONDS),
        )
    except provider.ProviderError as exc:
        raise failure(exc) from None


def action(
    name: str, title: str, description: str, input_schema: dict[str, Any], sdk: Call
) -> Action:
    async def run(ctx: ActionContext, values: dict[str, Any]) -> Any:
        return await call(ctx, lambda client: sdk(client, values))

    return Action(
        name=PREFIX + name,
        title=title,
        description=description,
        provider="contextual",
        connection_type="contextual",
        input_schema=input_schema,
        run=run,
    )


# -- the SDK calls of FLOWS §F6.4's table --------------------------------------------------------
def create_datastore(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[AsyncAPIResponse[Any]]:
    return c.datastores.with_raw_response.create(**arguments(v))


def list_datastores(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[AsyncAPIResponse[Any]]:
    return c.datastores.with_raw_response.list(**arguments(v))


def datastore_metadata(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[Any]:
    return c.datastores.with_raw_response.metadata(v["datastoreId"])


def reset_datastore(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[Any]:
    return c.datastores.with_raw_response.reset(v["datastoreId"])


def delete_datastore(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[Any]:
    return c.datastores.with_raw_response.delete(v["datastoreId"])


def list_documents(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[Any]:
    documents = c.datastores.documents.with_raw_response
    return documents.list(v["datastoreId"], **arguments(v, "datastoreId"))


def document_metadata(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[Any]:
    documents = c.datastores.documents.with_raw_response
    return documents.metadata(v["documentId"], datastore_id=v["datastoreId"])


def delete_document(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[Any]:
    documents = c.datastores.documents.with_raw_response
    return documents.delete(v["documentId"], datastore_id=v["datastoreId"])


def list_agents(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[Any]:
    return c.agents.with_raw_response.list(**arguments(v))


def create_agent(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[Any]:
    return c.agents.with_raw_response.create(**arguments(v))


def delete_agent(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[Any]:
    return c.agents.with_raw_response.delete(v["agentId"])


def reset_agent(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[Any]:
    return c.agents.with_raw_response.reset(v["agentId"])


def agent_metadata(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[Any]:
    return c.agents.with_raw_response.metadata(v["agentId"])


def query_agent(c: AsyncContextualAI, v: dict[str, Any]) -> Awaitable[Any]:
    messages: list[Message] = [{"role": "user", "content": v["message"]}]
    return c.agents.query.with_raw_response.create(v["agentId"], messages=messages)


ACTIONS: Final[tuple[Action, ...]] = (
    action(
        "createDatastore",
        "Create a datastore",
        "Creates a Contextual AI datastore (POST /datastores).",
        schema(("name",), name={"type": "string", "minLength": 1}),
        create_datastore,
    ),
    action(
        "listDatastores",
        "List datastores",
        "The first page of datastores, of one agent if given (GET /datastores).",
        schema((), agentId=ID, limit=LIMIT, cursor=CURSOR),
        list_datastores,
    ),
    action(
        "getDatastoreMetadata",
        "Get a datastore's metadata",
        "A datastore's name, creation time and agents (GET /datastores/{id}/metadata).",
        schema(("datastoreId",), datastoreId=ID),
        datastore_metadata,
    ),
    action(
        "resetDatastore",
        "Reset a datastore",
        "Deletes every document of a datastore (PUT /datastores/{id}/reset).",
        schema(("datastoreId",), datastoreId=ID),
        reset_datastore,
    ),
    action(
        "deleteDatastore",
        "Delete a datastore",
        "Deletes a datastore and its documents (DELETE /datastores/{id}).",
        schema(("datastoreId",), datastoreId=ID),
        delete_datastore,
    ),
    action(
        "listDocuments",
        "List a datastore's documents",
        "The first page of a datastore's documents (GET /datastores/{id}/documents).",
        schema(
            ("datastoreId",),
            datastoreId=ID,
            limit=LIMIT,
            cursor=CURSOR,
            documentNamePrefix=TEXT,
        ),
        list_documents,
    ),
    action(
        "getDocumentMetadata",
        "Get a document's metadata",
        "A document's name, status and metadata "
        "(GET /datastores/{id}/documents/{documentId}/metadata).",
        schema(("datastoreId", "documentId"), datastoreId=ID, documentId=ID),
        document_metadata,
    ),
    action(
        "deleteDocument",
        "Delete a document",
        "Deletes a document from a datastore (DELETE /datastores/{id}/documents/{documentId}).",
        schema(("datastoreId", "documentId"), datastoreId=ID, documentId=ID),
        delete_document,
    ),
    action(
        "listAgents",
        "List agents",
        "The first page of agents (GET /agents).",
        schema((), limit=LIMIT, cursor=CURSOR),
        list_agents,
    ),
    action(
        "createAgent",
        "Create an agent",
        "Creates an agent over datastores (POST /agents); without datastores, Contextual AI "
        "creates one for it.",
        schema(
            ("name",),
            name={"type": "string", "minLength": 1},
            datastoreIds={"type": "array", "items": ID},
            description=TEXT,
            systemPrompt=TEXT,
        ),
        create_agent,
    ),
    action(
        "deleteAgent",
        "Delete an agent",
        "Deletes an agent (DELETE /agents/{id}).",
        schema(("agentId",), agentId=ID),
        delete_agent,
    ),
    action(
        "resetAgent",
        "Reset an agent",
        "Resets an agent (PUT /agents/{id}/reset).",
        schema(("agentId",), agentId=ID),
        reset_agent,
    ),
    action(
        "getAgentMetadata",
        "Get an agent's metadata",
        "An agent's configuration (GET /agents/{id}/metadata).",
        schema(("agentId",), agentId=ID),
        agent_metadata,
    ),
    Action(
        name=PREFIX + "ingestDocument",
        title="Ingest a Spaceport document",
        description="Ingests a Spaceport document's PDF into a datastore "
        "(POST /datastores/{id}/documents), named <number>.pdf (a draft <id>.pdf), with "
        "custom_metadata.spaceportDocumentId.",
        provider="contextual",
        connection_type="contextual",
        input_schema=schema(("datastoreId", "documentId"), datastoreId=ID, documentId=ID),
        run=lambda ctx, values: ingest_document(ctx, values, call),
    ),
    action(
        "queryAgent",
        "Ask an agent",
        "Sends one user message to an agent (POST /agents/{id}/query).",
        schema(("agentId", "message"), agentId=ID, message={"type": "string", "minLength": 1}),
        query_agent,
    ),
)
