"""Where the server may send an HTTP request on a user's behalf (webhooks, flows' HTTP
requests, connections): the one check against server-side request forgery (only globally routable
addresses).

Host names are normalized first (case, trailing dot, IPv4 in its short and numeric forms,
IPv4-mapped, 6to4 and NAT64 IPv6), then every address they resolve to must be globally
routable: an allow-list by `ipaddress`'s `is_global` (not a deny-list of ranges), multicast
excluded. Checked when the URL is stored, and again on the address actually connected to:
the caller connects to the address `connect_addresses` returns, never to the name again."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# IANA's special-purpose registry marks 192.0.0.0/24 not globally reachable (but for .9 and
# .10); Python before 3.12.4 has only parts of it in the table behind `is_global`.
IETF_PROTOCOL = ipaddress.IPv4Network("192.0.0.0/24")
IETF_PROTOCOL_GLOBAL = (ipaddress.IPv4Address("192.0.0.9"), ipaddress.IPv4Address("192.0.0.10"))
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class AddressRefused(Exception):
    """The URL is malformed or points where the server may not send requests."""


def host_of(url: str) -> str:
    """The URL's host, normalized; refuses anything but an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise AddressRefused(f"{url!r} is not a valid URL") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise AddressRefused("must be an http or https URL with a host")
    return normalize_host(parts.hostname)


def normalize_host(host: str) -> str:
    """Lower case without the trailing dot; an address literal in its canonical form."""
    name = host.strip().lower().rstrip(".")
    if not name:
        raise AddressRefused("must be an http or https URL with a host")
    literal = address_literal(name)
    return str(literal) if literal is not None else name


def address_literal(name: str) -> IPAddress | None:
    """`name` as an address if it is one, in any form a resolver accepts: `127.1`,
    `2130706433`, `0x7f.0.0.1`, `0177.0.0.1` (inet_aton's forms) and IPv6 literals."""
    try:
        return ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        pass
    if all(part and part.isalnum() for part in name.split(".")) and name[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(name))
        except OSError:
            return None
    return None


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Globally routable, and so is any IPv4 address it carries."""
    inner = embedded_ipv4(address)
    if inner is not None and not is_public(inner):
        return False
    if address in IETF_PROTOCOL and address not in IETF_PROTOCOL_GLOBAL:
        return False
    return address.is_global and not address.is_multicast


def resolve(host: str) -> list[IPAddress]:
    """Every address the normalized `host` stands for; [] when it does not resolve."""
    literal = address_literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return list(
        dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos)
    )


def refuse_inside(host: str, addresses: list[IPAddress]) -> None:
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        raise AddressRefused(f"{host} is a loopback name, a loopback, private or local address")
    for address in addresses:
        if not is_public(address):
            raise AddressRefused(
                f"{host} resolves to {address}, a loopback, private or otherwise non-public address"
            )


def check_url(url: str, *, allow_private: bool) -> None:
    """When a URL is stored. A name that doesn't resolve yet is accepted: every request
    checks again, and refuses it then if it points inside."""
    host = host_of(url)
    if not allow_private:
        refuse_inside(host, [] if host in LOCAL_NAMES else resolve(host))


def connect_addresses(url: str, *, allow_private: bool) -> list[IPAddress]:
    """When a request is made: the addresses to connect to, every one of them allowed."""
    host = host_of(url)
    if not allow_private:
        refuse_inside(host, [])
    addresses = resolve(host)
    if not addresses:
        raise ConnectionError(f"{host} does not resolve")
    if not allow_private:
        refuse_inside(host, addresses)
    return addresses
