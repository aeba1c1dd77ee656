"""Every test runs against a real database: a SQLite file, and PostgreSQL as well when
SPACEPORT_TEST_POSTGRES_URL is set (`.ci/run` sets it). Mail goes to a real SMTP server
(aiosmtpd) on loopback."""

from __future__ import annotations

import os
import random
import re
import socket
import string
import time
import uuid
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.sql import ClauseElement

from spaceport.app import create_app
from spaceport.config import Settings
from spaceport.kit import migrate
from spaceport.kit.db import Base, Database
from spaceport.models import import_all_models
from tests.flows.contextual_server import ContextualServer, serving

POSTGRES_URL = os.environ.get("SPACEPORT_TEST_POSTGRES_URL")
TEST_SECRET_KEY = "test-secret-key-of-at-least-32-bytes-for-sealing"
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in str(m.get("To", ""))]

    def link(self, address: str, path: str) -> str:
        """The path and query of the link to `path` (a regular expression) in the plain text
        of the latest message to `address`."""
        message = self.to(address)[-1]
        plain = next(part for part in message.walk() if part.get_content_type() == "text/plain")
        text = plain.get_payload(decode=True)
        assert isinstance(text, bytes)
        found = re.search(rf"({path}\S*)", text.decode())
        assert found, text
        return found.group(1)


@pytest.fixture(scope="session")
def inbox() -> Iterator[Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def create_postgres_database(base_url: str) -> str:
    name = f"spaceport_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(base_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'spaceport.db'}"
        migrate.upgrade(url)  # the migrations are the schema: CI upgrades an empty database
        yield url
        return
    assert POSTGRES_URL
    url = create_postgres_database(POSTGRES_URL)
    migrate.upgrade(url)
    yield url
    drop_postgres_database(url)


def assert_every_page_cuts(api: Api, url: str, term: str, ranking: list[str]) -> None:
    """Each `filter[limit]` and `filter[skip]` of a search for `term` answers its slice of
    `ranking` (the names of the whole answer, in order)."""
    for limit in (1, 2, 3, 4):
        for skip in range(len(ranking) + 1):
            params = {"term": term, "filter[limit]": str(limit), "filter[skip]": str(skip)}
            response = api.get(url, params=params)
            assert response.status_code == 200, response.text
            found = [row["name"] for row in response.json()]
            assert found == ranking[skip : skip + limit], params


def query_plan(database: Database, stmt: ClauseElement) -> str:
    """The database's plan of `stmt`, its values written in; on PostgreSQL with sequential
    scans off, so that a small table still shows whether an index can answer."""
    dialect = database.engine.dialect.name
    with database.engine.connect() as connection:
        if dialect == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))
        compiled = stmt.compile(connection, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN" if dialect == "postgresql" else "EXPLAIN QUERY PLAN"
        return " ".join(str(row) for row in connection.execute(text(f"{explain} {compiled}")))


@pytest.fixture(scope="session")
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    # Tables of models whose migration is not written yet; test_migrate fails until it is.
    import_all_models()
    Base.metadata.create_all(db.engine)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def settings(database_url: str, inbox: Inbox) -> Settings:
    return Settings(
        database_url=database_url,
        smtp_url=f"smtp://127.0.0.1:{inbox.port}",
        rate_limit="100000/second",
        login_rate_limit_email="100000/second",
        login_rate_limit_address="100000/second",
        secret_key=TEST_SECRET_KEY,
    )


@pytest.fixture(scope="session")
def app(settings: Settings, database: Database) -> Any:
    return create_app(settings, database)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


class Api:
    """A signed-up account talking to the API the way the reference's curl examples do."""

    def __init__(self, client: TestClient, email: str | None = None) -> None:
        self.client = client
        self.email = email or f"rocketman-{uuid.uuid4().hex[:10]}@example.com"
        self.password = "supersecret"
        account = client.post("/v1/accounts", data={"email": self.email, "password": self.password})
        assert account.status_code == 200, account.text
        self.account_id: str = account.json()["id"]
        login = client.post(
            "/v1/accounts/login", data={"email": self.email, "password": self.password}
        )
        assert login.status_code == 200, login.text
        self.code: str = login.json()["id"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": self.code}

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, headers=self.headers, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.client.post(url, headers=self.headers, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Any:
        return self.client.patch(url, headers=self.headers, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Any:
        return self.client.put(url, headers=self.headers, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Any:
        return self.client.delete(url, headers=self.headers, **kwargs)

    def verify(self, inbox: Inbox) -> None:
        """Proves the account's email: the verification link, as its owner opens it."""
        sent = self.post(f"/v1/accounts/{self.account_id}/send-verification")
        assert sent.status_code == 200, sent.text
        confirmed = self.client.get(inbox.link(self.email, "/v1/accounts/confirm"))
        assert confirmed.status_code == 200, confirmed.text

    def create_organization(self, **fields: str) -> dict[str, Any]:
        data = {"name": "International Space Agency", "country": "Belgium", **fields}
        response = self.post(f"/v1/accounts/{self.account_id}/organizations", data=data)
        assert response.status_code == 200, response.text
        organization: dict[str, Any] = response.json()
        return organization


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)


@pytest.fixture
def organization(api: Api) -> dict[str, Any]:
    return api.create_organization()


class LiveServer:
    """The app served by uvicorn on a loopback port, for tests of real concurrency."""

    def __init__(self, app: Any) -> None:
        import threading

        import uvicorn

        self.port = free_port()
        # COMPAT §1.12: the app writes the one Date header, as `spaceport serve` runs it.
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", date_header=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(app: Any) -> Iterator[LiveServer]:
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def contextual_server() -> Iterator[ContextualServer]:
    """The loopback Contextual AI server (tests/flows/contextual_server.py), one per session."""
    with serving() as server:
        yield server


@pytest.fixture
def contextual(contextual_server: ContextualServer) -> ContextualServer:
    """The loopback Contextual AI server with nothing received and no failures to come."""
    contextual_server.reset()
    return contextual_server


@pytest.fixture
def private_allowed(app: Any, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Outbound calls to loopback allowed (it is private: COMPAT §8.2, FLOWS §F2.5)."""
    settings: Settings = app.state.settings
    monkeypatch.setattr(settings, "webhook_allow_private", True)
    return settings


def incompressible(length: int, *, wide: bool = False) -> str:
    """Letters that don't compress: PostgreSQL compresses an index entry before it checks its
    size, so only such a text finds the limit of an entry (SQLSTATE 54000). `wide`: CJK
    ideographs of four UTF-8 bytes each (a text within its length limit, past the index's)."""
    rng = random.Random(13)
    if wide:
        return "".join(chr(rng.randrange(0x20000, 0x2A6E0)) for _ in range(length))
    return "".join(rng.choice(string.ascii_letters) for _ in range(length))
