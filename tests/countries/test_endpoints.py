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


def test_countries_take_the_filter_of_every_list(api: Api, organization: dict[str, Any]) -> None:
    """COMPAT §4.6: where (embedded paths too), order, limit, skip and fields, as bracket keys
    or JSON (COMPAT §1.4), on both spellings."""
    for url in ("/v1/countries", f"/v1/organizations/{organization['id']}/countrys"):
        found = api.get(url, params={"filter[where][taxes.rate]": "9.5"}).json()
        assert [c["alpha2Code"] for c in found] == ["SI"]
    flt = '{"where": {"alpha2Code": {"inq": ["SI", "AT", "BE"]}}, "order": "name DESC"}'
    named = api.get("/v1/countries", params={"filter": flt}).json()
    assert [c["name"] for c in named] == ["Slovenia", "Belgium", "Austria"]
    kept = api.get(
        "/v1/countries",
        params={"filter[order]": "alpha2Code DESC", "filter[skip]": "1", "filter[limit]": "2",
                "filter[fields][alpha2Code]": "true"},
    ).json()  # fmt: skip
    assert kept == [{"alpha2Code": "ZM"}, {"alpha2Code": "ZA"}]


def test_currencies_take_the_filter_and_refuse_a_bad_one(client: TestClient) -> None:
    """COMPAT §4.6: a malformed filter is the 400 every list gives, naming the wrong part."""
    crypto = client.get(
        "/v1/currencies", params={"filter[where][type]": "crypto", "filter[fields][id]": "true"}
    ).json()
    assert {"id": "BTC"} in crypto and all(list(c) == ["id"] for c in crypto)
    for params, part in (
        ({"filter[limit]": "many"}, "`limit`"),
        ({"filter[where][planet]": "Mars"}, "`planet`"),
        ({"filter[where][name][sounds]": "x"}, "`sounds`"),
        ({"filter[order]": "symbol SIDEWAYS"}, "`symbol`"),
        ({"filter": "{not json"}, "`filter`"),
    ):
        refused = client.get("/v1/currencies", params=params)
        assert refused.status_code == 400, params
        error = refused.json()["error"]
        assert error["statusCode"] == 400 and part in error["message"], error
    included = client.get("/v1/countries", params={"filter[include]": "taxes"})
    assert included.status_code == 400 and "taxes" in included.json()["error"]["message"]
