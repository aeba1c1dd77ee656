"""Sending a document by email (reference "Send a Document in Email") through a real SMTP
server on loopback (aiosmtpd): the mail, the attached PDF, retries and the activities."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from spaceport.background import TASKS
from spaceport.config import Settings, delays
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api, Inbox, free_port
from tests.documents.test_endpoints import GETTING_STARTED, create

SEND = {
    "recipients": "rocketman@example.com",
    "message": "You can find the document, number [document number], PDF in the attachment.",
    "subject": "Invoice [document number]",
}


class Refusing(Inbox):
    """Refuses the first `refusals` messages with a temporary failure."""

    def __init__(self, refusals: int) -> None:
        super().__init__()
        self.refusals = refusals

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refusals > 0:
            self.refusals -= 1
            return "451 Try again later"
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def refusing() -> Iterator[Refusing]:
    handler = Refusing(refusals=2)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def work(database: Database, settings: Settings, rounds: int = 1) -> None:
    worker = Worker(database, settings, TASKS, kinds={"document.send"})
    for _ in range(rounds):
        worker.run_once()


def activities(api: Api, document_id: str) -> list[str]:
    return [a["type"] for a in api.get(f"/v1/documents/{document_id}/activities").json()]


def parts(message: Message) -> dict[str, Message]:
    return {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}


def test_send_as_in_the_reference(
    api: Api, organization: dict[str, Any], database: Database, settings: Settings, inbox: Inbox
) -> None:
    document = create(api, organization["id"], data=GETTING_STARTED)
    response = api.post(f"/v1/documents/{document['id']}/send?l=en", data=SEND)
    assert response.json() == {"success": True}
    assert activities(api, document["id"]) == ["sent"]
    work(database, settings)
    message = inbox.to("rocketman@example.com")[-1]
    number = document["number"]
    assert message["Subject"] == f"Invoice {number}"
    assert message["Reply-To"] == api.email
    assert organization["name"] in message["From"]
    found = parts(message)
    plain = found["text/plain"].get_payload(decode=True)
    assert isinstance(plain, bytes) and f"number {number}, PDF" in plain.decode()
    html = found["text/html"].get_payload(decode=True)
    assert isinstance(html, bytes) and "/v1/t/" in html.decode()
    pdf = found["application/pdf"].get_payload(decode=True)
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    assert activities(api, document["id"]) == ["sent", "delivered"]
    pixel = html.decode().split("/v1/t/")[1].split('"')[0]
    opened = api.client.get(f"/v1/t/{pixel}")
    assert opened.status_code == 200 and opened.headers["content-type"] == "image/gif"
    assert activities(api, document["id"]) == ["sent", "delivered", "opened"]


def test_invalid_recipients_are_422(api: Api, organization: dict[str, Any]) -> None:
    document = create(api, organization["id"], data=GETTING_STARTED)
    bad = api.post(
        f"/v1/documents/{document['id']}/send", data={**SEND, "recipients": "a@x.com, nope"}
    )
    assert bad.status_code == 422 and "nope" in bad.json()["error"]["message"]
    missing = api.post(f"/v1/documents/{document['id']}/send", data={"recipients": "a@x.com"})
    assert missing.status_code == 422
    assert activities(api, document["id"]) == []


def test_a_refused_delivery_is_retried(
    api: Api,
    organization: dict[str, Any],
    database: Database,
    settings: Settings,
    refusing: Refusing,
) -> None:
    quick = settings.model_copy(
        update={
            "smtp_url": f"smtp://127.0.0.1:{refusing.port}",
            "mail_retry_delays": delays("0,0,0"),
        }
    )
    document = create(api, organization["id"], data=GETTING_STARTED)
    api.post(f"/v1/documents/{document['id']}/send", data=SEND)
    work(database, quick, rounds=3)
    assert len(refusing.messages) == 1
    assert activities(api, document["id"]) == ["sent", "delivered"]


def test_a_delivery_that_keeps_failing_is_recorded_as_failed(
    api: Api, organization: dict[str, Any], database: Database, settings: Settings
) -> None:
    closed = settings.model_copy(
        update={"smtp_url": f"smtp://127.0.0.1:{free_port()}", "mail_retry_delays": delays("0")}
    )
    document = create(api, organization["id"], data=GETTING_STARTED)
    api.post(f"/v1/documents/{document['id']}/send", data=SEND)
    work(database, closed, rounds=2)
    assert activities(api, document["id"]) == ["sent", "failed"]
    failed = api.get(f"/v1/documents/{document['id']}/activities").json()[-1]
    assert failed["recipients"] == ["rocketman@example.com"] and failed["detail"]
