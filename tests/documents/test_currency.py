"""Conversion rates (documents/currency.py, COMPAT §6.12): the ECB's for another currency, or
the one the caller populates."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.documents.test_endpoints import create, simple


# COMPAT §6.12: another currency gets the ECB rate of the document date.
def test_foreign_currency_gets_the_ecb_rate(api: Api, organization: dict[str, Any]) -> None:
    document = create(api, organization["id"], json=simple(currencyId="USD", date="2024-01-06"))
    rate = document["_documentConversionRate"]
    assert (
        rate["from"] == "USD" and rate["to"] == "EUR" and rate["source"] == "European Central Bank"
    )
    assert rate["date"] == "2024-01-08"  # a Saturday: the next published rate
    assert document["totalConverted"] == round(100 * rate["rate"], 2)


def test_a_populated_conversion_rate_is_kept_and_checked(
    api: Api, organization: dict[str, Any]
) -> None:
    """COMPAT §6.12: the rate "can be manually populated", in the shape it is answered in;
    anything else is a 422 naming it (COMPAT §2.2), never a 500, and nothing is saved."""
    given = {"date": "2024-01-08", "from": "usd", "to": "EUR", "rate": 0.9, "source": "our bank"}
    body = simple(currencyId="USD", _documentConversionRate=given)
    document = create(api, organization["id"], json=body)
    assert document["_documentConversionRate"] == {**given, "from": "USD"}
    assert document["totalConverted"] == 90
    url = f"/v1/organizations/{organization['id']}/documents"
    before = len(api.get(url).json())
    for rate in ("abc", "1e999", -1, 0, None, {"deep": 1}):
        bad = {**given, "rate": rate}
        answer = api.post(url, json=simple(currencyId="USD", _documentConversionRate=bad))
        assert answer.status_code == 422, (rate, answer.text)
        assert "_documentConversionRate.rate" in answer.text, answer.text
    assert len(api.get(url).json()) == before
