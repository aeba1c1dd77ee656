"""The one way to FURS (FISCAL §S2, FISCAL §S3): a signed message over mutual TLS, its answer
classified as accepted, a refusal or unreachable.

FISCAL §S3.1: the client certificate is the organization's; FURS's server is verified against
`SPACEPORT_FURS_CA_FILE` (the system store when unset), hostname included. The TLS library
reads the client key from a file: it is written 0600 in a private directory and deleted as
soon as the context is built; the context is made once per credentials and CA file
(`context_of`, kept with the credentials, which `fiscal.certificates` keeps per upload).
FISCAL §S3.4: an answer with `Error` is a refusal whatever the HTTP status; a connection or
TLS failure, a timeout, HTTP ≥ 500 or an answer without the expected element is unreachable.
The timeout (`SPACEPORT_FURS_TIMEOUT_SECONDS`) bounds each step of the call
and the whole of it (checked while the answer is read)."""

from __future__ import annotations

import json
import os
import socket
import ssl
import tempfile
import time
from pathlib import Path
from typing import Any, Final, Literal

import httpx

from spaceport.config import Settings
from spaceport.fiscal import jws, messages
from spaceport.fiscal.credentials import Credentials
from spaceport.fiscal.messages import Message

Env = Literal["test", "production"]
INVOICES: Final = "invoices"
PREMISES: Final = "invoices/register"
ECHO: Final = "echo"
MAX_ANSWER_BYTES = 1_000_000
# A request is written in more than one segment (headers, body): without TCP_NODELAY the second
# waits for the first's delayed ACK, about 40 ms per call.
NO_DELAY: Final = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


class Refused(Exception):  # noqa: N818 - reads as the outcome it is
    """FISCAL §S3.4: FURS answered with `Error {ErrorCode, ErrorMessage}`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Unreachable(Exception):  # noqa: N818 - reads as the outcome it is
    """FISCAL §S3.4: no usable answer (connection, TLS, timeout, HTTP ≥ 500, no element)."""


def base_url(settings: Settings, env: str) -> str:
    url = settings.furs_test_url if env == "test" else settings.furs_production_url
    return url.rstrip("/")


def ssl_context(credentials: Credentials, ca_file: str | None) -> ssl.SSLContext:
    """FISCAL §S3.1: verifies FURS's server (and its hostname) and presents the organization's
    certificate; the key file exists only while the context loads it."""
    context = ssl.create_default_context(cafile=ca_file)
    with tempfile.TemporaryDirectory(prefix="spaceport-furs-") as folder:
        path = Path(folder) / "client.pem"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(descriptor, credentials.pem_chain())
        finally:
            os.close(descriptor)
        try:
            context.load_cert_chain(path)
        finally:
            path.unlink()
    return context


def context_of(credentials: Credentials, ca_file: str | None) -> ssl.SSLContext:
    """The credentials' TLS context for `ca_file`, made on first use (an `SSLContext` serves
    any number of connections and threads)."""
    context = credentials.contexts.get(ca_file)
    if context is None:
        context = credentials.contexts.setdefault(ca_file, ssl_context(credentials, ca_file))
    return context


def post(
    settings: Settings, env: str, endpoint: str, credentials: Credentials, body: bytes
) -> tuple[int, bytes]:
    """One POST to `<base>/<endpoint>`, within the timeout as a whole; `Unreachable` when no
    answer came."""
    timeout = settings.furs_timeout_seconds
    deadline = time.monotonic() + timeout
    url = f"{base_url(settings, env)}/{endpoint}"
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    try:
        context = context_of(credentials, settings.furs_ca_file)
        with (
            httpx.Client(
                transport=httpx.HTTPTransport(verify=context, socket_options=NO_DELAY),
                timeout=timeout,
                trust_env=False,
            ) as client,
            client.stream("POST", url, content=body, headers=headers) as response,
        ):
            answer = bytearray()
            for chunk in response.iter_bytes():
                answer += chunk
                if time.monotonic() > deadline:
                    raise Unreachable(f"FURS did not answer within {timeout:g} s")
                if len(answer) > MAX_ANSWER_BYTES:
                    raise Unreachable("FURS's answer is too large")
            return response.status_code, bytes(answer)
    except httpx.TimeoutException:
        raise Unreachable(f"FURS did not answer within {timeout:g} s") from None
    except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
        raise Unreachable(f"FURS is unreachable: {type(exc).__name__}: {exc}") from None


def answer_element(status: int, answer: bytes, element: str) -> Message:
    """FISCAL §S3.4: the `element` of the answer's token; `Refused` or `Unreachable`."""
    try:
        wrapper = json.loads(answer)
        token = wrapper["token"] if isinstance(wrapper, dict) else None
        payload: Any = messages.decode(jws.unverified_payload(token)) if token else None
    except (ValueError, TypeError, KeyError):
        payload = None
    found = payload.get(element) if isinstance(payload, dict) else None
    if isinstance(found, dict) and isinstance(found.get("Error"), dict):
        error = found["Error"]
        raise Refused(str(error.get("ErrorCode", "")), str(error.get("ErrorMessage", "")))
    if status >= 500:
        raise Unreachable(f"FURS answered HTTP {status}")
    if not isinstance(found, dict):
        raise Unreachable(f"FURS's answer (HTTP {status}) has no {element}")
    return found


def send(
    settings: Settings, env: str, endpoint: str, credentials: Credentials, message: Message
) -> Message:
    """Sign `message` (FISCAL §S3.2), send it, and return the answer's response element
    (`BusinessPremiseResponse` for premises, `InvoiceResponse` for invoices)."""
    element = "InvoiceResponse" if endpoint == INVOICES else "BusinessPremiseResponse"
    token = jws.sign(messages.encode(message), credentials.key, credentials.certificate)
    body = json.dumps({"token": token}).encode()
    status, answer = post(settings, env, endpoint, credentials, body)
    return answer_element(status, answer, element)


def register_premise(
    settings: Settings, env: str, credentials: Credentials, message: Message
) -> Message:
    """FISCAL §S5.4: the premise registered (or closed, FISCAL §S5.7)."""
    return send(settings, env, PREMISES, credentials, message)


def send_invoice(settings: Settings, env: str, credentials: Credentials, message: Message) -> str:
    """FISCAL §S12.2: the EOR (`UniqueInvoiceID`) FURS gave the invoice."""
    found = send(settings, env, INVOICES, credentials, message)
    eor = found.get("UniqueInvoiceID")
    if not isinstance(eor, str) or not eor:
        raise Unreachable("FURS's InvoiceResponse has no UniqueInvoiceID")
    return eor


def echo(settings: Settings, env: str, credentials: Credentials, text: str = "furs") -> str:
    """`<base>/echo` (FISCAL §S2): FURS repeats `EchoRequest`, unsigned."""
    body = json.dumps({"EchoRequest": text}).encode()
    status, answer = post(settings, env, ECHO, credentials, body)
    try:
        found = json.loads(answer).get("EchoResponse")
    except (ValueError, AttributeError):
        found = None
    if status >= 400 or not isinstance(found, str):
        raise Unreachable(f"FURS's echo answered HTTP {status} without EchoResponse")
    return found
