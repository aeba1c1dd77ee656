"""The pinned transport (kit/outbound.py; FLOWS §F2.5): a request goes to an address the one
address check allowed, connected to by that address, its Host header still the URL's; a
refused address is never connected to. Only loopback is reached."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from spaceport.kit.addresses import AddressRefused
from spaceport.kit.outbound import PinnedTransport


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[int, list[str]]]:
    hosts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802
            hosts.append(self.headers.get("host", ""))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hosts
    server.shutdown()
    server.server_close()


def get(url: str, *, allow_private: bool) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = PinnedTransport(allow_private=allow_private)
        async with httpx.AsyncClient(transport=transport, trust_env=False) as client:
            return await client.get(url)

    return asyncio.run(call())


def test_an_allowed_name_is_connected_to_by_its_checked_address(
    receiver: tuple[int, list[str]],
) -> None:
    port, hosts = receiver
    response = get(f"http://localhost:{port}/x", allow_private=True)
    assert response.status_code == 204
    assert hosts[-1] == f"localhost:{port}"  # the Host header is the URL's, not the address


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "10.1.2.3"])
def test_a_private_address_is_refused_before_any_connection(
    receiver: tuple[int, list[str]], host: str
) -> None:
    port, hosts = receiver
    before = len(hosts)
    with pytest.raises(AddressRefused):
        get(f"http://{host}:{port}/x", allow_private=False)
    assert len(hosts) == before
