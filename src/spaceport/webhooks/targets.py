"""Where a webhook may post: the server's one address check (kit/addresses.py: only
globally routable addresses), at create and update, and again at every delivery on the address the
request then connects to; `SPACEPORT_WEBHOOK_ALLOW_PRIVATE` lifts it (COMPAT §8.2)."""

from __future__ import annotations

from spaceport.kit.addresses import AddressRefused, IPAddress, check_url, host_of
from spaceport.kit.addresses import connect_addresses as delivery_addresses

TargetRefused = AddressRefused

__all__ = ["IPAddress", "TargetRefused", "check_url", "delivery_addresses", "host_of"]
