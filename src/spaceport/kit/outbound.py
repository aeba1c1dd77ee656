"""Requests sent to an address the one address check allowed (kit/addresses.py), connecting to
that address itself: a second DNS answer cannot send the request elsewhere (DNS rebinding). The
Host header and the TLS name (SNI, certificate) stay the URL's. Callers that check the address
themselves (webhook deliveries, flows' `http.request`) send `pinned_request(...)` with their own
client; for clients that build their requests themselves (an SDK, FLOWS §F2.5), a transport
that checks every request:

    httpx.AsyncClient(transport=PinnedTransport(allow_private=False), trust_env=False)

A refused address raises `AddressRefused` out of the transport (a client wraps it as its
connection error, with it as the cause); a name that does not resolve raises `ConnectionError`."""

from __future__ import annotations

import ssl
from functools import lru_cache, partial

import anyio
import certifi
import httpx

from spaceport.kit.addresses import IPAddress, connect_addresses


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """One certificate store for every transport (loading it takes a while)."""
    return ssl.create_default_context(cafile=certifi.where())


def pinned_request(
    method: str, url: str, address: IPAddress, headers: dict[str, str], content: bytes | None
) -> httpx.Request:
    """A request to `url` that connects to `address`, which `connect_addresses` answered for it
    (the address actually connected to is the one checked); Host and TLS name stay the URL's."""
    original = httpx.URL(url)
    return httpx.Request(
        method,
        original.copy_with(host=str(address)),
        headers={**headers, "Host": original.netloc.decode("ascii")},
        content=content,
        extensions={"sni_hostname": original.host},
    )


class PinnedTransport(httpx.AsyncBaseTransport):
    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.inner = httpx.AsyncHTTPTransport(verify=tls_context(), trust_env=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        check = partial(connect_addresses, str(request.url), allow_private=self.allow_private)
        address = (await anyio.to_thread.run_sync(check))[0]
        host = request.url.host
        request.url = request.url.copy_with(host=str(address))
        if "host" not in request.headers:
            request.headers["Host"] = host
        request.extensions = {**request.extensions, "sni_hostname": host}
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
