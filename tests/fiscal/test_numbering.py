"""Fiscal numbering (fiscal/numbering.py, FISCAL §S9): the place that numbers (FISCAL §S8.2), per
business premise (strategy C) or per electronic device (B), gapless under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.conftest import Api, LiveServer
from tests.fiscal.conftest import INVOICE, register_premise, set_default
from tests.fiscal.furs import FursServer
from tests.fiscal.test_hooks import documents_url, issue


def test_the_place_is_named_or_the_only_one(api: Api, verifying: dict[str, Any]) -> None:
    """FISCAL §S8.2: labels; omitted only when there is exactly one; else 422 under `_furs`."""
    oid = verifying["id"]
    register_premise(api, oid, "P2", "D1", "D2")
    refused = issue(api, oid)
    assert refused.status_code == 422
    assert "_furs.businessPremiseId" in refused.json()["error"]["details"]["messages"]
    refused = issue(api, oid, _furs={"businessPremiseId": "P2"})
    assert "_furs.electronicDeviceId" in refused.json()["error"]["details"]["messages"]
    refused = issue(api, oid, _furs={"businessPremiseId": "P9", "electronicDeviceId": "D1"})
    assert refused.status_code == 422
    named = issue(api, oid, _furs={"businessPremiseId": "P2", "electronicDeviceId": "D2"})
    assert named.json()["number"] == "P2-D2-1"


def test_strategy_b_numbers_per_device(api: Api, verifying: dict[str, Any]) -> None:
    """FISCAL §S9: B counts per premise and device; C per premise."""
    oid = verifying["id"]
    register_premise(api, oid, "P2", "D1", "D2")
    first = issue(api, oid, _furs={"businessPremiseId": "P2", "electronicDeviceId": "D1"})
    second = issue(api, oid, _furs={"businessPremiseId": "P2", "electronicDeviceId": "D2"})
    assert (first.json()["number"], second.json()["number"]) == ("P2-D1-1", "P2-D2-2")
    assert set_default(api, oid, "furs_strategy", "B").status_code == 200
    third = issue(api, oid, _furs={"businessPremiseId": "P2", "electronicDeviceId": "D2"})
    assert third.json()["number"] == "P2-D2-1"
    assert third.json()["_furs"]["status"] == "verified"


def test_twenty_concurrent_creates_are_numbered_1_to_20(
    api: Api, verifying: dict[str, Any], live_server: LiveServer, furs: FursServer
) -> None:
    """FISCAL §S9: gapless under concurrency, as COMPAT §6.2."""
    url = f"{live_server.url}{documents_url(verifying['id'])}"

    def send(_: int) -> httpx.Response:
        return httpx.post(url, headers=api.headers, json=INVOICE, timeout=120)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(send, range(20)))
    assert [a.status_code for a in answers] == [200] * 20
    numbers = sorted(int(a.json()["number"].split("-")[-1]) for a in answers)
    assert numbers == list(range(1, 21))
    assert (
        sorted(int(r.invoice["InvoiceIdentifier"]["InvoiceNumber"]) for r in furs.invoices())
        == numbers
    )
