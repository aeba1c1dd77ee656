"""Organizations through HTTP (reference "Organizations"; COMPAT §7.1)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from spaceport.taxes.models import Tax
from tests.conftest import Api

REFERENCE_CREATE = {
    "name": "International Space Agency",
    "address": "Rocket Road 1",
    "city": "Brussels",
    "zip": "10000",
    "country": "Belgium",
    "IBAN": "GB95 REVO 1234 5678 9012 345",
    "bank": "Revolut Ltd",
}


def defaults_by_name(organization: dict[str, Any]) -> dict[str, Any]:
    return {d["name"]: d["value"] for d in organization["_defaults"]}


def test_create_organization_as_in_the_reference(api: Api) -> None:
    response = api.post(f"/v1/accounts/{api.account_id}/organizations", data=REFERENCE_CREATE)
    assert response.status_code == 200, response.text
    org = response.json()
    assert org["name"] == "International Space Agency"
    assert org["IBAN"] == "GB95 REVO 1234 5678 9012 345" and org["bank"] == "Revolut Ltd"
    assert org["countryAlpha2Code"] == "BE" and org["country"] == "Belgium"
    assert org["timezone"] == "Europe/Brussels" and org["locale"] == "nl"
    assert org["active"] is True and org["custom"] == {}
    assert defaults_by_name(org) == {"currencyId": "EUR"}


def test_belgian_organization_gets_belgian_vat(api: Api) -> None:
    org = api.create_organization(country="Belgium")
    # The taxes endpoints come with the catalog; until then read the table.
    database = api.client.app.state.database  # type: ignore[attr-defined]
    with database.transaction(write=False) as session:
        rows = session.scalars(select(Tax).where(Tax.organization_id == org["id"])).all()
        rates = {(t.abbreviation, t.classification, str(t.tax_rates[0]["rate"])) for t in rows}
    assert ("BTW", "standard", "21") in rates
    assert ("BTW", "reduced", "6") in rates


def test_country_matched_by_native_name_and_code(api: Api) -> None:
    assert api.create_organization(country="Slovenija")["countryAlpha2Code"] == "SI"
    assert api.create_organization(country="DE")["countryAlpha2Code"] == "DE"
    unknown = api.create_organization(country="Atlantis")
    assert unknown["countryAlpha2Code"] is None and unknown["country"] == "Atlantis"
    assert defaults_by_name(unknown)["currencyId"] == "EUR"


def test_country_is_required(api: Api) -> None:
    response = api.post(f"/v1/accounts/{api.account_id}/organizations", data={"name": "X"})
    assert response.status_code == 422
    assert "country" in response.json()["error"]["details"]["messages"]


def test_get_update_list_and_count(api: Api) -> None:
    org = api.create_organization()
    api.create_organization(name="Second")
    got = api.get(f"/v1/organizations/{org['id']}").json()
    assert got["id"] == org["id"] and got["_defaults"][0]["name"] == "currencyId"
    patched = api.patch(
        f"/v1/organizations/{org['id']}", data={"name": "ISA", "taxSubject": "false"}
    )
    assert patched.json()["name"] == "ISA" and patched.json()["taxSubject"] is False
    listed = api.get(f"/v1/accounts/{api.account_id}/organizations").json()
    assert [o["name"] for o in listed] == ["ISA", "Second"]
    assert all("_defaults" in o for o in listed)
    filtered = api.get(
        f"/v1/accounts/{api.account_id}/organizations", params={"filter[where][name]": "Second"}
    ).json()
    assert [o["name"] for o in filtered] == ["Second"]
    count = api.get(f"/v1/accounts/{api.account_id}/organizations/count")
    assert count.json() == {"count": 2}


def test_create_for_someone_elses_account_is_401(client: TestClient) -> None:
    first, second = Api(client), Api(client)
    response = first.post(f"/v1/accounts/{second.account_id}/organizations", data=REFERENCE_CREATE)
    assert response.status_code == 401


def test_deactivated_refuses_everything_but_get_and_activate(api: Api) -> None:
    org = api.create_organization()
    assert api.post(f"/v1/organizations/{org['id']}/deactivate").json() == {"success": True}
    got = api.get(f"/v1/organizations/{org['id']}").json()
    assert got["active"] is False and got["deactivatedAt"]
    refused = api.patch(f"/v1/organizations/{org['id']}", data={"name": "X"})
    assert refused.status_code == 403
    defaults = api.post(f"/v1/organizations/{org['id']}/defaults", data={"name": "a", "value": "b"})
    assert defaults.status_code == 403
    assert api.post(f"/v1/organizations/{org['id']}/activate").json() == {"success": True}
    assert api.patch(f"/v1/organizations/{org['id']}", data={"name": "X"}).status_code == 200


def test_unknown_organization_is_404_and_foreign_one_401(client: TestClient) -> None:
    first, second = Api(client), Api(client)
    org = second.create_organization()
    assert first.get("/v1/organizations/ffffffffffffffffffffffff").status_code == 404
    assert first.get(f"/v1/organizations/{org['id']}").status_code == 401


def test_a_text_longer_than_its_column_is_a_422(api: Api, organization: dict[str, Any]) -> None:
    """COMPAT §2.2: `locale` is a VARCHAR(8); PostgreSQL refuses longer, SQLite would keep it:
    both answer a 422 naming it, and nothing changes (found by the schemathesis run)."""
    url = f"/v1/organizations/{organization['id']}"
    refused = api.patch(url, json={"locale": "x" * 9, "name": "Renamed"})
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["details"]["messages"] == {
        "locale": ["is longer than 8 characters"]
    }
    unchanged = api.get(url).json()
    assert (unchanged["locale"], unchanged["name"]) == (
        organization["locale"],
        organization["name"],
    )
    assert api.patch(url, json={"locale": "sl"}).json()["locale"] == "sl"


def test_an_accounts_organizations_take_the_whole_filter(api: Api) -> None:
    """COMPAT §4.6: order, skip, limit and fields as on every list; a bad filter is a 400."""
    for name in ("Beta", "Alpha", "Gamma"):
        api.create_organization(name=name)
    url = f"/v1/accounts/{api.account_id}/organizations"
    paged = {"filter[order]": "name DESC", "filter[skip]": "1", "filter[limit]": "1"}
    assert [o["name"] for o in api.get(url, params=paged).json()] == ["Beta"]
    kept = api.get(url, params={"filter": '{"fields": ["name"], "order": "name"}'}).json()
    assert [sorted(o) for o in kept] == [["id", "name"]] * 3 and kept[0]["name"] == "Alpha"
    refused = api.get(url, params={"filter[where][name][sounds]": "x"})
    assert refused.status_code == 400 and "`sounds`" in refused.json()["error"]["message"]
