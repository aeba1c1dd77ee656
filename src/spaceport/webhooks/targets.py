"""Where a webhook may post: http(s) URLs with a host, and — against server-side request
forgery — no loopback, private, link-local or reserved address unless
`SPACEPORT_WEBHOOK_ALLOW_PRIVATE` is set. Checked at create and update, and again at every
delivery, on the addresses the request then connects to (a DNS answer may change)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL is malformed or points where a webhook may not post."""


def host_of(url: str) -> str:
    """The URL's host; refuses anything but an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise TargetRefused(f"{url!r} is not a valid URL") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise TargetRefused("must be an http or https URL with a host")
    return parts.hostname


def resolve(host: str) -> list[IPAddress]:
    """Every address `host` resolves to (a literal address is itself); [] when unresolvable."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def refuse_private(host: str, addresses: list[IPAddress]) -> None:
    for address in addresses:
        if not is_public(address):
            raise TargetRefused(
                f"{host} resolves to {address}, a loopback, private or reserved address"
            )


def check_url(url: str, *, allow_private: bool) -> None:
    """At create and update. A name that doesn't resolve yet is accepted: delivery checks
    again, and refuses it then if it points inside."""
    host = host_of(url)
    if not allow_private:
        refuse_private(host, resolve(host))


def delivery_addresses(url: str, *, allow_private: bool) -> list[IPAddress]:
    """At delivery: the addresses to connect to, every one of them allowed."""
    host = host_of(url)
    addresses = resolve(host)
    if not addresses:
        raise ConnectionError(f"{host} does not resolve")
    if not allow_private:
        refuse_private(host, addresses)
    return addresses
