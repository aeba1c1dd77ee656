"""Delivering one event to one webhook: the job "webhook.deliver" (COMPAT §8.2).

POST `{"event", "organizationId", "data", "uid"}` (reference "Webhook event body") signed with
the webhook's secret. A 2xx ends it; a non-2xx answer, a timeout or a connection error is
retried `SPACEPORT_WEBHOOK_RETRY_DELAYS` seconds after the first attempt (the reference's 2, 4
and 8 minutes), then the delivery fails. Every attempt is recorded in its own short
transaction after the HTTP call: no transaction is held open while the receiver answers. A
delivered attempt ends its job in that same transaction."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, cast

import httpx
from cryptography.fernet import InvalidToken
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from spaceport.config import Delays, Settings
from spaceport.jobs.models import Job
from spaceport.jobs.repository import JobRepository
from spaceport.jobs.retry import retry_later
from spaceport.jobs.service import RECORDED, GiveUp
from spaceport.kit import outbound
from spaceport.kit.db import Database, utcnow
from spaceport.kit.json import dumps
from spaceport.webhooks import sealed, targets
from spaceport.webhooks.models import WebhookDelivery
from spaceport.webhooks.repository import WebhookRepository

TIMEOUT_SECONDS = 10.0  # COMPAT §8.2: a receiver slower than this counts as failed

MAX_CLIENTS = 256
_clients: OrderedDict[str, httpx.Client] = OrderedDict()
_clients_lock = threading.Lock()


def http_client(host: str) -> httpx.Client:
    """A connection pool per target host name, shared by the worker's threads. Requests go to
    pinned addresses, and a pool reuses connections by address: one pool per name keeps a TLS
    connection made for one name (SNI, certificate) from carrying another name's requests."""
    with _clients_lock:
        client = _clients.pop(host, None) or new_client()
        _clients[host] = client  # most recently used last
        while len(_clients) > MAX_CLIENTS:
            _clients.popitem(last=False)  # dropped, not closed: a thread may still use it
        return client


def new_client() -> httpx.Client:
    # trust_env=False: no proxy from the environment, the request goes to the checked address
    return httpx.Client(
        timeout=TIMEOUT_SECONDS,
        follow_redirects=False,
        trust_env=False,
        verify=outbound.tls_context(),
    )


# an attempt, as a Core INSERT built once: written, never read back here, and building a
# statement cost as much as running it (issue 13 item 4)
ATTEMPT: Final = insert(cast(Table, WebhookDelivery.__table__))


@dataclass(frozen=True)
class Delivery:
    job_id: str
    webhook_id: str
    organization_id: str
    url: str
    sealed_secret: str  # unsealed for the attempt only (`secret_of`)
    event: str
    event_uid: str
    body: bytes
    attempts_before: int  # attempts this job already recorded
    first_attempt: datetime | None


@dataclass(frozen=True)
class Outcome:
    started: datetime
    duration_ms: int
    status_code: int | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


# -- reading what to send -------------------------------------------------------------------
def event_body(event: str, organization_id: str, data: Any, uid: str) -> bytes:
    """Exactly the reference's "Webhook event body"."""
    return dumps({"event": event, "organizationId": organization_id, "data": data, "uid": uid})


def secret_of(delivery: Delivery, settings: Settings) -> str:
    try:
        return sealed.unseal(delivery.sealed_secret, settings.secret_key)
    except InvalidToken as exc:
        raise GiveUp("the webhook's secret can't be read: SPACEPORT_SECRET_KEY changed") from exc


def prepare(session: Session, jobs: list[Job]) -> dict[str, Delivery | GiveUp | None]:
    """`Prepared.prepare` of "webhook.deliver" jobs: what each one sends, read in the
    transaction that claims them (a batch reads its webhooks, events and earlier attempts in
    three queries at most); None when the webhook is gone or disabled (nothing to do),
    `GiveUp` when its event is gone."""
    found_in = WebhookRepository(session)
    webhooks = found_in.targets({job.payload["webhookId"] for job in jobs})
    events = found_in.events({job.payload["eventUid"] for job in jobs})
    # a job in its first claim (`attempts` counts claims) has recorded no attempt yet
    attempts = found_in.earlier_attempts([job.id for job in jobs if job.attempts > 1])
    prepared: dict[str, Delivery | GiveUp | None] = {}
    for job in jobs:
        webhook, uid = webhooks.get(job.payload["webhookId"]), job.payload["eventUid"]
        event = events.get(uid)
        if webhook is None or not webhook.enabled:
            prepared[job.id] = None
        elif event is None:
            prepared[job.id] = GiveUp(f"the event {uid} no longer exists")
        else:
            target = (webhook.id, webhook.organization_id, webhook.url, webhook.secret)
            body = event_body(event.event, event.organization_id, event.data, uid)
            sent = (event.event, uid, body)
            prepared[job.id] = Delivery(job.id, *target, *sent, *attempts.get(job.id, (0, None)))
    return prepared


# -- sending ------------------------------------------------------------------------------
def signed_headers(delivery: Delivery, secret: str) -> dict[str, str]:
    """COMPAT §8.2: event name, delivery id (the event uid) and the HMAC signature."""
    return {
        "Content-Type": "application/json",
        "X-Spaceport-Event": delivery.event,
        "X-Spaceport-Delivery": delivery.event_uid,
        "X-Spaceport-Signature": sealed.signature(secret, int(utcnow().timestamp()), delivery.body),
    }


def send(delivery: Delivery, settings: Settings) -> httpx.Response:
    """One POST, to an address checked now, at this delivery, and connected to as checked."""
    allow_private = settings.webhook_allow_private
    address = targets.delivery_addresses(delivery.url, allow_private=allow_private)[0]
    headers = signed_headers(delivery, secret_of(delivery, settings))
    request = outbound.pinned_request("POST", delivery.url, address, headers, delivery.body)
    return http_client(httpx.URL(delivery.url).host).send(request)


def post(delivery: Delivery, settings: Settings) -> Outcome:
    """One attempt; every failure becomes the outcome's error, never an exception."""
    started, clock = utcnow(), time.perf_counter()
    status: int | None = None
    error: str | None = None
    try:
        response = send(delivery, settings)
        status = response.status_code
        if not response.is_success:
            error = f"HTTP {status} {response.reason_phrase}".strip()
    except httpx.TimeoutException:
        error = f"no answer within {TIMEOUT_SECONDS:g} s"
    except (httpx.HTTPError, httpx.InvalidURL, OSError, targets.TargetRefused) as exc:
        error = f"{type(exc).__name__}: {exc}"
    return Outcome(started, round((time.perf_counter() - clock) * 1000), status, error)


def record(database: Database, delivery: Delivery, outcome: Outcome, claim: int) -> bool:
    """Record the attempt; a delivered one also marks its job done, while the worker's claim
    (`claim`, the job's attempts when claimed) still holds it: True then (`jobs.RECORDED`)."""
    with database.transaction() as session:
        attempt = {
            "webhook_id": delivery.webhook_id,
            "organization_id": delivery.organization_id,
            "event_uid": delivery.event_uid,
            "job_id": delivery.job_id,
            "attempt": delivery.attempts_before + 1,
            "status_code": outcome.status_code,
            "duration_ms": outcome.duration_ms,
            "error": outcome.error,
            "created_at": outcome.started,
        }
        session.connection().execute(ATTEMPT, attempt)
        return outcome.delivered and JobRepository(session).finish(delivery.job_id, claim, "done")


# -- deciding -----------------------------------------------------------------------------
def next_try(delivery: Delivery, outcome: Outcome, delays: Delays) -> None:
    """Raise `RetryLater` until the last delay has passed, then `GiveUp` (COMPAT §8.2):
    retry k is due `delays[k - 1]` after the first attempt, not after the last."""
    error = outcome.error or "failed"
    attempt = delivery.attempts_before + 1
    first = delivery.first_attempt or outcome.started
    later = retry_later(delays, attempt, error, since=first)
    raise later or GiveUp(f"attempt {attempt} failed ({error}); no retries left")


def deliver(
    database: Database, settings: Settings, job: Job, delivery: Delivery | GiveUp | None
) -> object:
    """The handler of "webhook.deliver" jobs ({webhookId, eventUid}), from what `prepare`
    read when they were claimed."""
    if delivery is None:
        return None  # deleted or disabled since: disabled webhooks stay silent
    if isinstance(delivery, GiveUp):
        raise delivery
    outcome = post(delivery, settings)
    if record(database, delivery, outcome, job.attempts):
        return RECORDED
    if not outcome.delivered:
        next_try(delivery, outcome, settings.webhook_retry_delays)
    return None
