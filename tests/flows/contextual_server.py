"""A Contextual AI server for the tests: a real HTTP server on 127.0.0.1 speaking the REST routes
the `contextual-client` SDK calls for FLOWS §F6.4's actions (and the test call of
FLOWS §F2.4), with the answers shaped as the SDK's types read them.

- A `Bearer` key is required (`api_key`); another key is a 401 `{"detail": ...}`.
- Datastores, their documents and agents are kept in memory; lists page by cursor
  (`limit`, `cursor`, answered `next_cursor` while more remain; `total_count`).
- Ingest takes `multipart/form-data`: `file` (kept, with its name and type) and `metadata`.
- Every request is recorded (`received`): method, path, query, headers, JSON or form body.
- `fail(status, body, delay, times, path)` makes the next requests (to `path` only, if given)
  wait `delay` seconds and, with a `status`, answer it with `body` instead.

Nothing leaves loopback: the server binds 127.0.0.1 on a free port; a Spaceport that calls it
runs with `SPACEPORT_WEBHOOK_ALLOW_PRIVATE=true` (loopback is private, FLOWS §F2.5)."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_KEY = "ctx-test-key-0123456789abcdef"
NOW = "2026-03-04T10:00:00Z"


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # name, type, bytes

    @property
    def key(self) -> str:
        """The Bearer key the request carried."""
        return self.headers.get("authorization", "").removeprefix("Bearer ")


@dataclass
class Failure:
    status: int | None
    body: Any
    delay: float
    times: int
    path: str | None
    headers: dict[str, str]


class ContextualServer:
    def __init__(self, api_key: str = API_KEY) -> None:
        self.api_key = api_key
        self.received: list[Received] = []
        self.failures: list[Failure] = []
        self.datastores: dict[str, dict[str, Any]] = {}
        self.documents: dict[str, dict[str, dict[str, Any]]] = {}
        self.agents: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def start(self) -> ContextualServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    def fail(
        self,
        status: int | None = 503,
        body: Any = None,
        *,
        delay: float = 0.0,
        times: int = 1,
        path: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        with self.lock:
            self.failures.append(Failure(status, body, delay, times, path, headers or {}))

    def reset(self) -> None:
        """Nothing received, no failures to come, no datastores, documents or agents."""
        with self.lock:
            self.received.clear()
            self.failures.clear()
            self.datastores.clear()
            self.documents.clear()
            self.agents.clear()

    def last(self) -> Received:
        return self.received[-1]

    # -- state the tests may seed ------------------------------------------------------------
    def add_datastore(self, name: str) -> str:
        datastore_id = str(uuid.uuid4())
        self.datastores[datastore_id] = {
            "id": datastore_id,
            "name": name,
            "created_at": NOW,
            "datastore_type": "UNSTRUCTURED",
        }
        self.documents[datastore_id] = {}
        return datastore_id

    def add_agent(self, name: str, datastore_ids: list[str] | None = None, **more: Any) -> str:
        agent_id = str(uuid.uuid4())
        ids = datastore_ids or [self.add_datastore(f"{name} datastore")]
        self.agents[agent_id] = {
            "id": agent_id,
            "name": name,
            "description": more.get("description") or "",
            "datastore_ids": ids,
            "system_prompt": more.get("system_prompt"),
        }
        return agent_id

    def add_document(self, datastore_id: str, name: str, **metadata: Any) -> str:
        document_id = str(uuid.uuid4())
        self.documents[datastore_id][document_id] = {
            "id": document_id,
            "name": name,
            "created_at": NOW,
            "status": "completed",
            "custom_metadata": metadata,
        }
        return document_id

    # -- failures ------------------------------------------------------------------------------
    def take_failure(self, path: str) -> Failure | None:
        with self.lock:
            for failure in self.failures:
                if failure.path is None or failure.path == path:
                    failure.times -= 1
                    if failure.times <= 0:
                        self.failures.remove(failure)
                    return failure
        return None


@contextmanager
def serving(api_key: str = API_KEY) -> Iterator[ContextualServer]:
    server = ContextualServer(api_key).start()
    try:
        yield server
    finally:
        server.stop()


# -- the routes ----------------------------------------------------------------------------------
Answer = tuple[int, Any]
ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (method, re.compile(f"^/v1{pattern}$"), name)
    for method, pattern, name in [
        ("POST", "/datastores", "create_datastore"),
        ("GET", "/datastores", "list_datastores"),
        ("GET", "/datastores/(?P<ds>[^/]+)/metadata", "datastore_metadata"),
        ("PUT", "/datastores/(?P<ds>[^/]+)/reset", "reset_datastore"),
        ("DELETE", "/datastores/(?P<ds>[^/]+)", "delete_datastore"),
        ("GET", "/datastores/(?P<ds>[^/]+)/documents", "list_documents"),
        ("POST", "/datastores/(?P<ds>[^/]+)/documents", "ingest_document"),
        ("GET", "/datastores/(?P<ds>[^/]+)/documents/(?P<doc>[^/]+)/metadata", "document_metadata"),
        ("DELETE", "/datastores/(?P<ds>[^/]+)/documents/(?P<doc>[^/]+)", "delete_document"),
        ("GET", "/agents", "list_agents"),
        ("POST", "/agents", "create_agent"),
        ("DELETE", "/agents/(?P<agent>[^/]+)", "delete_agent"),
        ("PUT", "/agents/(?P<agent>[^/]+)/reset", "reset_agent"),
        ("GET", "/agents/(?P<agent>[^/]+)/metadata", "agent_metadata"),
        ("POST", "/agents/(?P<agent>[^/]+)/query", "query_agent"),
    ]
]


def page(items: list[dict[str, Any]], query: dict[str, list[str]], key: str) -> dict[str, Any]:
    """Cursor pagination: the cursor is the offset of the next page."""
    limit = int(query.get("limit", ["1000"])[0])
    start = int(query.get("cursor", ["0"])[0] or 0)
    chosen = items[start : start + limit]
    answer: dict[str, Any] = {key: chosen, "total_count": len(items)}
    if start + limit < len(items):
        answer["next_cursor"] = str(start + limit)
    return answer


class Routes:
    """The answers, on the server's state (under its lock)."""

    def __init__(self, server: ContextualServer, request: Received) -> None:
        self.s = server
        self.r = request

    def missing(self, what: str) -> Answer:
        return 404, {"detail": f"{what} not found"}

    def create_datastore(self) -> Answer:
        name = (self.r.json or {}).get("name")
        if not name:
            return 422, {"detail": [{"loc": ["body", "name"], "msg": "Field required"}]}
        return 200, {"id": self.s.add_datastore(name)}

    def list_datastores(self) -> Answer:
        rows = list(self.s.datastores.values())
        agent = self.r.query.get("agent_id", [None])[0]
        if agent is not None:
            wanted = self.s.agents.get(agent, {}).get("datastore_ids", [])
            rows = [row for row in rows if row["id"] in wanted]
        return 200, page(rows, self.r.query, "datastores")

    def datastore_metadata(self, ds: str) -> Answer:
        if ds not in self.s.datastores:
            return self.missing("Datastore")
        users = [a["id"] for a in self.s.agents.values() if ds in a["datastore_ids"]]
        found = self.s.datastores[ds]
        return 200, {"name": found["name"], "created_at": NOW, "agent_ids": users}

    def reset_datastore(self, ds: str) -> Answer:
        if ds not in self.s.datastores:
            return self.missing("Datastore")
        self.s.documents[ds] = {}
        return 200, {}

    def delete_datastore(self, ds: str) -> Answer:
        if self.s.datastores.pop(ds, None) is None:
            return self.missing("Datastore")
        self.s.documents.pop(ds, None)
        return 200, {}

    def list_documents(self, ds: str) -> Answer:
        if ds not in self.s.datastores:
            return self.missing("Datastore")
        rows = list(self.s.documents[ds].values())
        prefix = self.r.query.get("document_name_prefix", [""])[0]
        rows = [row for row in rows if row["name"].startswith(prefix)]
        return 200, page(rows, self.r.query, "documents")

    def ingest_document(self, ds: str) -> Answer:
        if ds not in self.s.datastores:
            return self.missing("Datastore")
        if "file" not in self.r.files:
            return 422, {"detail": "file is required"}
        metadata = json.loads(self.r.form.get("metadata") or "{}").get("custom_metadata", {})
        return 200, {"id": self.s.add_document(ds, self.r.files["file"][0], **metadata)}

    def document_metadata(self, ds: str, doc: str) -> Answer:
        found = self.s.documents.get(ds, {}).get(doc)
        return (200, found) if found else self.missing("Document")

    def delete_document(self, ds: str, doc: str) -> Answer:
        if self.s.documents.get(ds, {}).pop(doc, None) is None:
            return self.missing("Document")
        return 200, {}

    def list_agents(self) -> Answer:
        rows = [
            {"id": a["id"], "name": a["name"], "description": a["description"]}
            for a in self.s.agents.values()
        ]
        return 200, page(rows, self.r.query, "agents")

    def create_agent(self) -> Answer:
        body = self.r.json or {}
        if not body.get("name"):
            return 422, {"detail": [{"loc": ["body", "name"], "msg": "Field required"}]}
        more = {k: body.get(k) for k in ("description", "system_prompt")}
        agent_id = self.s.add_agent(body["name"], body.get("datastore_ids"), **more)
        return 200, {"id": agent_id, "datastore_ids": self.s.agents[agent_id]["datastore_ids"]}

    def delete_agent(self, agent: str) -> Answer:
        if self.s.agents.pop(agent, None) is None:
            return self.missing("Agent")
        return 200, {}

    def reset_agent(self, agent: str) -> Answer:
        return (200, {}) if agent in self.s.agents else self.missing("Agent")

    def agent_metadata(self, agent: str) -> Answer:
        found = self.s.agents.get(agent)
        if found is None:
            return self.missing("Agent")
        keys = ("name", "description", "datastore_ids", "system_prompt")
        return 200, {**{k: found[k] for k in keys}, "template_name": "default"}

    def query_agent(self, agent: str) -> Answer:
        if agent not in self.s.agents:
            return self.missing("Agent")
        messages = (self.r.json or {}).get("messages") or [{}]
        question = messages[-1].get("content", "")
        return 200, {
            "conversation_id": str(uuid.uuid4()),
            "message_id": str(uuid.uuid4()),
            "message": {"role": "assistant", "content": f"You asked: {question}"},
            "retrieval_contents": [],
        }


def _handler(server: ContextualServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def handle_any(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            request = Received(
                self.command,
                parts.path,
                parse_qs(parts.query),
                {k.lower(): v for k, v in self.headers.items()},
            )
            read_body(request, self.headers.get("content-type", ""), raw)
            with server.lock:
                server.received.append(request)
            failure = server.take_failure(parts.path)
            if failure is not None and failure.delay:
                time.sleep(failure.delay)
            if failure is not None and failure.status is not None:
                body = failure.body if failure.body is not None else {"detail": "failed"}
                return self.answer(failure.status, body, failure.headers)
            if request.key != server.api_key:
                return self.answer(401, {"detail": "Invalid API key"})
            with server.lock:
                status, body = route(server, request)
            self.answer(status, body)

        def answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            kind = "text/plain" if isinstance(body, str) else "application/json"
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the caller gave up waiting (a timeout test)

        do_GET = do_POST = do_PUT = do_DELETE = handle_any  # noqa: N815

    return Handler


def read_body(request: Received, content_type: str, raw: bytes) -> None:
    if not raw:
        return
    if content_type.startswith("application/json"):
        request.json = json.loads(raw)
        return
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + raw)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            assert isinstance(name, str) and isinstance(payload, bytes)
            filename = part.get_filename()
            if filename is not None:
                request.files[name] = (filename, part.get_content_type(), payload)
            else:
                request.form[name] = payload.decode()


def route(server: ContextualServer, request: Received) -> Answer:
    for method, pattern, name in ROUTES:
        matched = pattern.match(request.path)
        if matched and method == request.method:
            answer: Answer = getattr(Routes(server, request), name)(**matched.groupdict())
            return answer
    return 404, {"detail": "Not Found"}
