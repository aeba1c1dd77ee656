"""The one address check (kit/addresses.py; only globally routable addresses): through the webhook
routes, and on the normalization itself. No test resolves a name that is not local or lets a request
leave loopback: the refused addresses are never connected to."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from spaceport.kit import addresses
from tests.conftest import Api

REFUSED = [
    "http://LOCALHOST./hook",
    "http://Localhost:8080/hook",
    "http://api.localhost/hook",
    "http://127.1/hook",
    "http://2130706433/hook",
    "http://0x7f.0.0.1/hook",
    "http://0177.0.0.1/hook",
    "http://100.64.0.1/hook",
    "http://100.100.100.200/latest/meta-data",  # carrier-grade NAT, a cloud metadata address
    "http://192.0.0.8/hook",
    "http://198.18.0.1/hook",
    "http://224.0.0.1/hook",
    "http://[2002:7f00:1::]/hook",  # 6to4 of 127.0.0.1
    "http://[2002:a9fe:a9fe::]/hook",  # 6to4 of 169.254.169.254
    "http://[::ffff:169.254.169.254]/hook",
    "http://[64:ff9b::a00:1]/hook",  # NAT64 of 10.0.0.1
    "http://[fe80::1]/hook",
    "http://[fc00::1]/hook",
    "http://[::]/hook",
]
ALLOWED = ["https://8.8.8.8/hook", "https://[2606:4700:4700::1111]/hook", "http://192.0.0.9/"]


@pytest.mark.parametrize("url", REFUSED)
def test_non_public_targets_are_refused_at_create_and_update(
    api: Api, organization: dict[str, Any], url: str
) -> None:
    created = api.post(
        f"/v1/organizations/{organization['id']}/webhooks", json={"url": url, "events": ["*"]}
    )
    assert created.status_code == 422, created.text
    assert "url" in created.json()["error"]["details"]["messages"]
    hook = api.post(
        f"/v1/organizations/{organization['id']}/webhooks",
        json={"url": ALLOWED[0], "events": ["*"]},
    ).json()
    updated = api.patch(f"/v1/webhooks/{hook['id']}", json={"url": url})
    assert updated.status_code == 422


@pytest.mark.parametrize("url", ALLOWED)
def test_globally_routable_literals_pass(url: str) -> None:
    addresses.check_url(url, allow_private=False)
    assert addresses.connect_addresses(url, allow_private=False) == [
        ipaddress.ip_address(addresses.host_of(url))
    ]


@pytest.mark.parametrize("url", REFUSED)
def test_the_address_connected_to_is_refused(url: str) -> None:
    with pytest.raises(addresses.AddressRefused):
        addresses.connect_addresses(url, allow_private=False)


def test_hosts_are_normalized_before_anything_else() -> None:
    assert addresses.host_of("HTTP://Example.COM./x") == "example.com"
    assert addresses.host_of("http://0x7f.1/") == "127.0.0.1"
    assert addresses.host_of("http://[::FFFF:7F00:1]/") == "::ffff:7f00:1"
    assert addresses.embedded_ipv4(ipaddress.ip_address("2002:7f00:1::")) == (
        ipaddress.ip_address("127.0.0.1")
    )
    for malformed in ("ftp://example.com", "http://", "http://x:99999/", "not a url"):
        with pytest.raises(addresses.AddressRefused):
            addresses.host_of(malformed)
