"""GET /v1/countries and /v1/currencies through HTTP (reference "Countries", "Currencies")."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Api


def by_code(countries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {c["alpha2Code"]: c for c in countries}


def test_countries_in_the_reference_shape(client: TestClient) -> None:
    response = client.get("/v1/countries")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    countries = by_code(response.json())
    assert len(countries) >= 249
    gb = countries["GB"]
    assert gb["name"] == "United Kingdom of Great Britain and Northern Ireland"
    assert (gb["alpha3Code"], gb["numericCode"], gb["currency"]) == ("GBR", "826", "GBP")
    assert gb["translations"]["de"] == "Vereinigtes Königreich"
    assert {
        "name": "Value Added Tax",
        "abbreviation": "VAT",
        "rate": "20",
        "classification": "standard",
    } in gb["taxes"]
    si = countries["SI"]
    assert si["nativeName"] == "Slovenija" and si["currency"] == "EUR"
    assert {t["rate"] for t in si["taxes"]} >= {"22", "9.5"}


def test_the_organization_alias_answers_the_same_list(
    api: Api, organization: dict[str, Any]
) -> None:
    plain = api.get("/v1/countries").json()
    assert api.get(f"/v1/organizations/{organization['id']}/countrys").json() == plain


def test_currencies(client: TestClient) -> None:
    currencies = client.get("/v1/currencies").json()
    fiat = [c for c in currencies if c["type"] == "fiat"]
    crypto = {c["id"] for c in currencies if c["type"] == "crypto"}
    assert len(fiat) >= 122 and {"BTC", "ETH"} <= crypto
    euro = next(c for c in currencies if c["id"] == "EUR")
    assert euro["symbol"] == "€" and euro["name"]
