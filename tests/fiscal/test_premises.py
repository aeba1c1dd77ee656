"""FISCAL §S5 and FISCAL §S6 through HTTP against the loopback FURS server: premises registered,
re-registered and closed with FURS, devices under both URL spellings, what FURS received field
by field, refusals and an unreachable FURS leaving nothing saved."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from spaceport.fiscal.zoi import LJUBLJANA
from tests.conftest import Api
from tests.fiscal.conftest import REAL_ESTATE, readonly_member, upload_certificate
from tests.fiscal.furs import FursServer


def premises_url(oid: str) -> str:
    return f"/v1/organizations/{oid}/businesspremises"


def create(api: Api, oid: str, **fields: Any) -> Any:
    return api.post(premises_url(oid), json={**REAL_ESTATE, **fields})


def count(api: Api, oid: str) -> int:
    found: int = api.get(f"{premises_url(oid)}/count").json()["count"]
    return found


def events(api: Api, oid: str) -> list[str]:
    return [e["event"] for e in api.get(f"/v1/organizations/{oid}/events").json()]


def test_without_a_certificate_a_premise_is_saved_unregistered(
    api: Api, slovenian: dict[str, Any], furs: FursServer, fiscal_settings: Any
) -> None:
    """FISCAL §S5.4: without a certificate it is saved unregistered; FISCAL §S5.3 the answer."""
    response = create(api, slovenian["id"], houseNumberAdditional="a", custom={"floor": 1})
    assert response.status_code == 200, response.text
    premise = response.json()
    assert premise["registeredAt"] is None and premise["env"] is None
    assert premise["organizationId"] == slovenian["id"] and len(premise["id"]) == 24
    assert premise["validityDate"] == datetime.now(LJUBLJANA).date().isoformat()
    assert premise["houseNumberAdditional"] == "a" and premise["custom"] == {"floor": 1}
    assert {**REAL_ESTATE}.items() <= premise.items()
    assert furs.received == []
    assert "businessPremise/create" in events(api, slovenian["id"])


def test_with_a_certificate_a_create_registers_at_once(
    api: Api, certified: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S5.4 in the current `furs_env` (production by default, FISCAL §S7.1);
    FISCAL §S5.5 what FURS received, field by field."""
    response = create(api, certified["id"], validityDate="2026-12-24")
    assert response.status_code == 200, response.text
    premise = response.json()
    assert premise["env"] == "production" and premise["registeredAt"].endswith("Z")
    (received,) = furs.premises()
    assert received.premise == {
        "TaxNumber": 10000001,
        "BusinessPremiseID": "P1",
        "BPIdentifier": {
            "RealEstateBP": {
                "PropertyID": {"CadastralNumber": 365, "BuildingNumber": 12,
                               "BuildingSectionNumber": 3},
                "Address": {"Street": "Trg republike", "HouseNumber": "3",
                            "Community": "Ljubljana", "City": "Ljubljana", "PostalCode": "1000"},
            }
        },
        "ValidityDate": "2026-12-24",
        "SoftwareSupplier": [{"NameForeign": "Spaceport"}],
        "SpecialNotes": "",
    }  # fmt: skip
    assert received.header["alg"] == "RS256"


def test_a_movable_premise_in_the_test_environment_with_the_suppliers_tax_number(
    api: Api, certified: dict[str, Any], furs: FursServer, fiscal_settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """FISCAL §S5.2 movable, FISCAL §S5.5 `SoftwareSupplier` by tax number, `furs_env` test."""
    monkeypatch.setattr(fiscal_settings, "furs_software_supplier_tax_number", 87654321)
    oid = certified["id"]
    assert api.post(f"/v1/organizations/{oid}/defaults",
                    data={"name": "furs_env", "value": "test"}).status_code == 200  # fmt: skip
    response = api.post(premises_url(oid), data={"businessPremiseId": "KIOSK1", "type": "movable",
                                                 "premiseType": "B"})  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["env"] == "test"
    (received,) = furs.premises()
    assert received.premise["BPIdentifier"] == {"PremiseType": "B"}
    assert received.premise["SoftwareSupplier"] == [{"TaxNumber": 87654321}]


def test_a_refusal_is_a_422_with_furs_code_and_nothing_is_saved(
    api: Api, certified: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S5.4: `error.message` holds FURS's ErrorCode and ErrorMessage verbatim."""
    furs.mode = "refuse"
    response = create(api, certified["id"])
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    code, text = furs.refusal
    assert code in message and text in message
    assert count(api, certified["id"]) == 0
    assert "businessPremise/create" not in events(api, certified["id"])


@pytest.mark.parametrize("mode", ["down", "http500"])
def test_an_unreachable_furs_is_a_502_and_nothing_is_saved(
    api: Api, certified: dict[str, Any], furs: FursServer, mode: str
) -> None:
    """FISCAL §S5.4 and FISCAL §S3.4: unreachable, 502."""
    if mode == "down":
        furs.down()
    else:
        furs.mode = "http500"
    response = create(api, certified["id"])
    assert response.status_code == 502, response.text
    assert response.json()["error"]["statusCode"] == 502
    assert count(api, certified["id"]) == 0


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"cadastralNumber": None, "postalCode": None}, {"cadastralNumber", "postalCode"}),
        ({"businessPremiseId": "P-1"}, {"businessPremiseId"}),
        ({"businessPremiseId": "P" * 21}, {"businessPremiseId"}),
        ({"type": "boat"}, {"type"}),
        ({"postalCode": "10000"}, {"postalCode"}),
        ({"buildingNumber": 0}, {"buildingNumber"}),
        ({"type": "movable"}, {"premiseType"}),
        ({"type": "movable", "premiseType": "D"}, {"premiseType"}),
        ({"validityDate": "soon"}, {"validityDate"}),
    ],
)
def test_bad_premises_are_422_naming_the_property_and_nothing_is_sent(
    api: Api, certified: dict[str, Any], furs: FursServer, fields: dict[str, Any], named: set[str]
) -> None:
    """FISCAL §S5.2: else 422 naming the property, nothing sent."""
    body = {k: v for k, v in {**REAL_ESTATE, **fields}.items() if v is not None}
    response = api.post(premises_url(certified["id"]), json=body)
    assert response.status_code == 422, response.text
    assert named <= set(response.json()["error"]["details"]["messages"])
    assert furs.received == [] and count(api, certified["id"]) == 0


def test_a_label_is_unique_among_live_premises(api: Api, certified: dict[str, Any]) -> None:
    """FISCAL §S5.2: unique among the organization's live premises (a deleted one frees it)."""
    first = create(api, certified["id"]).json()
    again = create(api, certified["id"])
    assert again.status_code == 422
    assert "businessPremiseId" in again.json()["error"]["details"]["messages"]
    assert api.delete(f"/v1/businessPremises/{first['id']}").json() == {"count": 1}
    assert create(api, certified["id"]).status_code == 200


def test_an_organization_without_a_slovenian_tax_number_cannot_register(
    api: Api, org_p12: bytes, furs: FursServer, fiscal_settings: Any
) -> None:
    """FISCAL §S5.5: the tax number not 8 digits, 422."""
    belgian = api.create_organization(taxNumber="BE0123456789")
    assert upload_certificate(api, belgian["id"], org_p12).status_code == 200
    response = create(api, belgian["id"])
    assert response.status_code == 422
    assert "taxNumber" in response.json()["error"]["details"]["messages"]
    assert furs.received == []


def test_an_update_registers_the_merged_premise_again(
    api: Api, certified: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S5.6: PUT and PATCH register the merged premise; fixed properties are 422."""
    premise = create(api, certified["id"]).json()
    url = f"/v1/businessPremises/{premise['id']}"
    response = api.put(url, json={"street": "Slovenska cesta", "houseNumber": "9"})
    assert response.status_code == 200, response.text
    assert response.json()["street"] == "Slovenska cesta"
    address = furs.premises()[-1].premise["BPIdentifier"]["RealEstateBP"]["Address"]
    assert (address["Street"], address["HouseNumber"], address["City"]) == (
        "Slovenska cesta", "9", "Ljubljana"
    )  # fmt: skip
    for fixed in ({"businessPremiseId": "P2"}, {"type": "movable"}):
        refused = api.patch(url, json=fixed)
        assert refused.status_code == 422
        assert set(fixed) <= set(refused.json()["error"]["details"]["messages"])
    assert api.patch(url, json={"businessPremiseId": "P1"}).status_code == 200


def test_a_refused_update_changes_nothing(
    api: Api, certified: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S5.6: errors as FISCAL §S5.4, nothing changed on failure."""
    premise = create(api, certified["id"]).json()
    furs.mode = "refuse"
    url = f"/v1/businessPremises/{premise['id']}"
    assert api.patch(url, json={"city": "Maribor"}).status_code == 422
    furs.mode = "accept"
    assert api.get(url).json()["city"] == "Ljubljana"


def test_patch_of_nothing_registers_an_unregistered_premise(
    api: Api, slovenian: dict[str, Any], org_p12: bytes, furs: FursServer, fiscal_settings: Any
) -> None:
    """FISCAL §S5.6: `PATCH {}` registers an unregistered one."""
    premise = create(api, slovenian["id"]).json()
    assert premise["registeredAt"] is None
    assert upload_certificate(api, slovenian["id"], org_p12).status_code == 200
    patched = api.patch(f"/v1/businessPremises/{premise['id']}", json={})
    assert patched.status_code == 200
    assert patched.json()["registeredAt"] is not None and len(furs.premises()) == 1


def test_delete_closes_a_registered_premise_and_soft_deletes_its_devices(
    api: Api, certified: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S5.7: `ClosingTag: "Z"`, then the premise and its devices soft deleted."""
    premise = create(api, certified["id"]).json()
    device = api.post(f"/v1/businessPremises/{premise['id']}/electronicDevices",
                      data={"electronicDeviceId": "D1"}).json()  # fmt: skip
    url = f"/v1/businessPremises/{premise['id']}"
    assert api.delete(url).json() == {"count": 1}
    closing = furs.premises()[-1].premise
    assert closing["ClosingTag"] == "Z" and closing["BusinessPremiseID"] == "P1"
    assert api.get(url).status_code == 404
    assert api.get(f"/v1/electronicDevices/{device['id']}").status_code == 404
    deleted = api.get(f"{premises_url(certified['id'])}?filter[deleted]=true").json()
    assert deleted[0]["_isDeleted"] is True
    assert {"businessPremise/delete", "electronicDevice/delete"} <= set(
        events(api, certified["id"])
    )


def test_a_refused_close_keeps_the_premise(
    api: Api, certified: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S5.7: errors as FISCAL §S5.4."""
    premise = create(api, certified["id"]).json()
    furs.down()
    assert api.delete(f"/v1/businessPremises/{premise['id']}").status_code == 502
    furs.up()
    assert api.get(f"/v1/businessPremises/{premise['id']}").status_code == 200


def test_devices_under_both_spellings_and_the_sdks_include(
    api: Api, certified: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S6: both URL spellings, unique per premise, never sent to FURS; FISCAL §S5.1:
    `filter[include]=electronicDevices` as the PHP and .NET SDKs send it, oldest first."""
    premise = create(api, certified["id"]).json()
    other = create(api, certified["id"], businessPremiseId="P2").json()
    sent = len(furs.received)
    first = api.post(f"/v1/businessPremises/{premise['id']}/electronicDevices",
                     json={"electronicDeviceId": "D1"})  # fmt: skip
    second = api.post(f"/v1/businesspremisses/{premise['id']}/electronicdevices",
                      data={"electronicDeviceId": "D2", "custom[till]": "2"})  # fmt: skip
    assert first.status_code == 200 and second.status_code == 200, second.text
    device = first.json()
    assert {k: device[k] for k in ("organizationId", "premiseId", "electronicDeviceId")} == {
        "organizationId": certified["id"], "premiseId": premise["id"], "electronicDeviceId": "D1"
    }  # fmt: skip
    assert second.json()["custom"] == {"till": "2"}
    taken = api.post(f"/v1/businessPremises/{premise['id']}/electronicDevices",
                     json={"electronicDeviceId": "D1"})  # fmt: skip
    assert taken.status_code == 422
    assert "electronicDeviceId" in taken.json()["error"]["details"]["messages"]
    bad = api.post(f"/v1/businessPremises/{premise['id']}/electronicDevices",
                   json={"electronicDeviceId": "D 1"})  # fmt: skip
    assert bad.status_code == 422
    assert api.post(f"/v1/businessPremises/{other['id']}/electronicDevices",
                    json={"electronicDeviceId": "D1"}).status_code == 200  # fmt: skip
    assert len(furs.received) == sent

    listed = api.get(f"/v1/businesspremisses/{premise['id']}/electronicdevices").json()
    assert [d["electronicDeviceId"] for d in listed] == ["D1", "D2"]
    included = api.get(f"/v1/organizations/{certified['id']}/businessPremises",
                       params={"filter[include]": "electronicDevices",
                               "filter[order]": "businessPremiseId ASC"}).json()  # fmt: skip
    assert [[d["electronicDeviceId"] for d in p["electronicDevices"]] for p in included] == [
        ["D1", "D2"], ["D1"]
    ]  # fmt: skip
    one = api.get(f"/v1/businessPremises/{premise['id']}?filter[include]=electronicDevices")
    assert len(one.json()["electronicDevices"]) == 2
    assert api.delete(f"/v1/electronicDevices/{device['id']}").json() == {"count": 1}
    listed = api.get(f"/v1/businessPremises/{premise['id']}/electronicDevices").json()
    assert [d["electronicDeviceId"] for d in listed] == ["D2"]
    assert "electronicDevice/create" in events(api, certified["id"])


def test_access_is_as_for_every_organization_route(
    api: Api, certified: dict[str, Any], client: Any, furs: FursServer
) -> None:
    """FISCAL §S15.2: COMPAT §2.2 401 without access, COMPAT §3.6 403 for readonly writes."""
    oid = certified["id"]
    premise = create(api, oid).json()
    stranger = Api(client)
    assert stranger.post(premises_url(oid), json=REAL_ESTATE).status_code == 401
    assert stranger.get(f"/v1/businessPremises/{premise['id']}").status_code == 401
    assert stranger.patch(f"/v1/businessPremises/{premise['id']}", json={}).status_code == 401
    assert stranger.delete(f"/v1/businessPremises/{premise['id']}").status_code == 401
    reader = readonly_member(api, oid)
    assert reader.get(f"/v1/businessPremises/{premise['id']}").status_code == 200
    assert (
        reader.post(premises_url(oid), json={**REAL_ESTATE, "businessPremiseId": "R1"}).status_code
        == 403
    )
    assert reader.delete(f"/v1/businessPremises/{premise['id']}").status_code == 403
    assert reader.post(f"/v1/businessPremises/{premise['id']}/electronicDevices",
                       json={"electronicDeviceId": "D9"}).status_code == 403  # fmt: skip
    assert api.get(f"/v1/businessPremises/{'0' * 24}").status_code == 404
    assert api.patch(f"/v1/businessPremises/{'0' * 24}", json={}).status_code == 404
    assert len(furs.premises()) == 1


def test_a_device_takes_a_partial_update_as_every_model(
    api: Api, certified: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S6 with COMPAT §1.10: `PATCH /v1/electronicDevices/:id` (the .NET SDK's
    PatchAttributes, its body with the device's other properties), PUT, a POST and the relation
    route alike update `custom`; the label stays, nothing goes to FURS, an event is recorded."""
    premise = create(api, certified["id"]).json()
    url = f"/v1/businessPremises/{premise['id']}/electronicDevices"
    device = api.post(url, json={"electronicDeviceId": "D1"}).json()
    sent = len(furs.received)
    dotnet = {"electronicDeviceId": "D1", "businessPremiseId": premise["id"], "custom": {"a": 1}}
    patched = api.patch(f"/v1/electronicDevices/{device['id']}", json=dotnet)
    assert patched.status_code == 200, patched.text
    assert patched.json()["custom"] == {"a": 1} and patched.json()["electronicDeviceId"] == "D1"
    assert api.put(f"/v1/electronicdevices/{device['id']}", json={"custom": {"b": 2}}).json()[
        "custom"
    ] == {"b": 2}
    assert api.post(f"/v1/electronicDevices/{device['id']}", data={"custom[c]": "3"}).json()[
        "custom"
    ] == {"c": "3"}
    related = f"/v1/organizations/{certified['id']}/electronicDevices/{device['id']}"
    assert api.patch(related, json={"custom": {"d": 4}}).json()["custom"] == {"d": 4}
    assert api.get(f"/v1/electronicDevices/{device['id']}").json()["custom"] == {"d": 4}
    assert len(furs.received) == sent
    assert "electronicDevice/update" in events(api, certified["id"])
    reader = readonly_member(api, certified["id"])
    assert reader.patch(f"/v1/electronicDevices/{device['id']}", json={}).status_code == 403
    assert api.patch(f"/v1/electronicDevices/{'0' * 24}", json={}).status_code == 404
