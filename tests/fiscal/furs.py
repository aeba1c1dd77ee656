"""A FURS server for the tests (issue 11, "Real parts"): real HTTPS on loopback with a
certificate authority made at test time, requiring a client certificate from it, verifying
every JWS with the client certificate's public key (FISCAL §S3.2), answering signed responses
with an EOR (FISCAL §S3.4), and able to refuse, fail, stall, go down and come back."""

from __future__ import annotations

import json
import ssl
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.x509.oid import NameOID

from spaceport.fiscal import jws, messages
from tests.conftest import free_port
from tests.fiscal.certificates import Issued, authority, issue, name

Mode = Literal["accept", "refuse", "http500", "stall", "garbage"]
BASE = "/v1/cash_registers"


@dataclass
class Received:
    """One request as FURS saw it: the endpoint, the JWS header and the verified payload."""

    endpoint: str
    header: dict[str, Any]
    payload: dict[str, Any]
    client_subject: str
    client_serial: int  # the TLS client certificate's
    at: float = field(default_factory=time.monotonic)

    @property
    def invoice(self) -> dict[str, Any]:
        found: dict[str, Any] = self.payload["InvoiceRequest"]["Invoice"]
        return found

    @property
    def premise(self) -> dict[str, Any]:
        found: dict[str, Any] = self.payload["BusinessPremiseRequest"]["BusinessPremise"]
        return found

    @property
    def message_id(self) -> str:
        request = next(iter(self.payload.values()))
        found: str = request["Header"]["MessageID"]
        return found


class FursServer:
    def __init__(self, ca: Issued | None = None, *, hostnames_ok: bool = True) -> None:
        self.ca = ca or authority()
        subject = name((NameOID.COMMON_NAME, "localhost"))
        self.identity = issue(self.ca, subject, server=hostnames_ok)
        self.folder = Path(tempfile.mkdtemp(prefix="furs-server-"))
        (self.folder / "server.pem").write_bytes(self.identity.key_pem() + self.identity.pem())
        (self.folder / "ca.pem").write_bytes(self.ca.pem())
        self.received: list[Received] = []
        self.rejected: list[str] = []  # why a request was not accepted (bad JWS, no client cert)
        self.mode: Mode = "accept"
        self.refusal = ("S002", "Davčna številka zavezanca ni pravilna")
        self.stall_seconds = 2.0
        self.eors: list[str] = []
        self.eor_of: dict[str, str] = {}  # the EOR issued for each request's MessageID
        self.generation = 0  # advanced by `reset`: a request from before it is not recorded
        self.port = free_port()
        self.lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None
        self.up()

    # -- what the tests use ----------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}{BASE}"

    @property
    def ca_file(self) -> str:
        return str(self.folder / "ca.pem")

    def invoices(self) -> list[Received]:
        return [r for r in self.received if r.endpoint == "invoices"]

    def premises(self) -> list[Received]:
        return [r for r in self.received if r.endpoint == "invoices/register"]

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.rejected.clear()
            self.eors.clear()
            self.eor_of.clear()
            self.generation += 1
        self.mode = "accept"

    def up(self) -> None:
        """Listen (again) on the same port."""
        if self.httpd is not None:
            return
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.folder / "server.pem")
        context.verify_mode = ssl.CERT_REQUIRED  # FISCAL §S3.1: mutual TLS
        context.load_verify_locations(cafile=self.ca_file)
        server = self

        class Handler(FursHandler):
            furs = server

        ThreadingHTTPServer.allow_reuse_address = True
        httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        httpd.daemon_threads = True
        httpd.socket = context.wrap_socket(
            httpd.socket, server_side=True, do_handshake_on_connect=False
        )
        self.httpd = httpd
        self.thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        self.thread.start()

    def down(self) -> None:
        """Stop listening: every connection is refused until `up`."""
        if self.httpd is None:
            return
        self.httpd.shutdown()
        self.httpd.server_close()
        self.httpd = None

    # -- answering ---------------------------------------------------------------------------
    def answer(self, endpoint: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        element = "InvoiceResponse" if endpoint == "invoices" else "BusinessPremiseResponse"
        request = next(iter(payload.values()))
        response: dict[str, Any] = {
            "Header": {
                "MessageID": str(uuid.uuid4()),
                "DateTime": messages.local_time(datetime.now(UTC)),
                "MessageIDReference": request["Header"]["MessageID"],
            }
        }
        if self.mode == "refuse":
            code, text = self.refusal
            response["Error"] = {"ErrorCode": code, "ErrorMessage": text}
        elif endpoint == "invoices":
            eor = str(uuid.uuid4())
            self.eors.append(eor)
            self.eor_of[request["Header"]["MessageID"]] = eor
            response["UniqueInvoiceID"] = eor
        token = jws.sign(
            messages.encode({element: response}), self.identity.key, self.identity.certificate
        )
        return 200, {"token": token}


class FursHandler(BaseHTTPRequestHandler):
    furs: FursServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed ACK

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        furs = self.furs
        generation = furs.generation  # a stalled request must not land in the next test
        endpoint = self.path.removeprefix(BASE + "/")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if furs.mode == "stall":
            time.sleep(furs.stall_seconds)
        if furs.mode == "http500":
            return self.reply(500, {"message": "Internal Server Error"})
        if furs.mode == "garbage":
            return self.reply(200, {"nothing": "useful"})
        if endpoint == "echo":
            return self.reply(200, {"EchoResponse": json.loads(body)["EchoRequest"]})
        if endpoint not in ("invoices", "invoices/register"):
            return self.reply(404, {"message": "unknown endpoint"})
        der = self.connection.getpeercert(binary_form=True)
        if not der:
            furs.rejected.append("no client certificate")
            return self.reply(400, {"message": "no client certificate"})
        client = x509.load_der_x509_certificate(der)
        public_key = client.public_key()
        assert isinstance(public_key, RSAPublicKey)
        try:
            header, raw = jws.verify(json.loads(body)["token"], public_key)
        except Exception as exc:  # noqa: BLE001 - what a bad request is, FURS decides
            furs.rejected.append(f"bad JWS: {type(exc).__name__}: {exc}")
            return self.reply(400, {"message": "bad JWS"})
        payload = messages.decode(raw)
        with furs.lock:
            if furs.generation != generation:
                return self.reply(503, {"message": "reset while stalled"})
            furs.received.append(
                Received(
                    endpoint,
                    header,
                    payload,
                    client.subject.rfc4514_string(),
                    client.serial_number,
                )  # fmt: skip
            )
            status, answer = furs.answer(endpoint, payload)
        self.reply(status, answer)

    def reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        pass
