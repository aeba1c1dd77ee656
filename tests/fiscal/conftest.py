"""The loopback FURS server (tests/fiscal/furs.py) and an organization certificate from its
certificate authority, shared by the fiscal tests of a session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from spaceport.config import Settings
from spaceport.fiscal.credentials import Credentials
from tests.conftest import Api
from tests.fiscal.certificates import Issued, issue, organization_subject, pkcs12_of
from tests.fiscal.furs import FursServer


@pytest.fixture(scope="session")
def furs_server() -> Iterator[FursServer]:
    server = FursServer()
    yield server
    server.down()


@pytest.fixture
def furs(furs_server: FursServer) -> Iterator[FursServer]:
    furs_server.reset()
    furs_server.up()
    yield furs_server
    furs_server.reset()
    furs_server.up()


@pytest.fixture(scope="session")
def org_identity(furs_server: FursServer) -> Issued:
    """The organization's certificate, issued by the CA FURS trusts (as FURS issues them)."""
    return issue(furs_server.ca, organization_subject("10000001"), serial=2**100 + 7)


@pytest.fixture(scope="session")
def credentials(org_identity: Issued) -> Credentials:
    return Credentials(org_identity.key, org_identity.certificate)


@pytest.fixture
def fiscal_settings(app: Any, furs: FursServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The app's settings pointed at the loopback FURS server (FISCAL §S2), both environments
    (production through `localhost`, which the server's certificate also names)."""
    settings: Settings = app.state.settings
    monkeypatch.setattr(settings, "furs_test_url", furs.url)
    monkeypatch.setattr(settings, "furs_production_url", furs.url.replace("127.0.0.1", "localhost"))
    monkeypatch.setattr(settings, "furs_ca_file", furs.ca_file)
    monkeypatch.setattr(settings, "furs_timeout_seconds", 10.0)  # room on a loaded machine
    return settings


PASSPHRASE = "geslo-za-furs"


@pytest.fixture(scope="session")
def org_p12(org_identity: Issued) -> bytes:
    return pkcs12_of(org_identity, PASSPHRASE.encode())


def upload_certificate(
    api: Api,
    organization_id: str,
    data: bytes,
    passphrase: str | None = PASSPHRASE,
    kind: str = "furs",
) -> Any:
    """FISCAL §S4.1 as the reference's curl example sends it."""
    headers = {**api.headers, **({"passphrase": passphrase} if passphrase is not None else {})}
    return api.client.post(
        f"/v1/organizations/{organization_id}/upload-certificate?type={kind}",
        headers=headers,
        files={"certificate": ("furs.p12", data, "application/x-pkcs12")},
    )


@pytest.fixture
def slovenian(api: Api) -> dict[str, Any]:
    """A Slovenian organization (8-digit tax number, FISCAL §S5.5)."""
    return api.create_organization(
        name="Kavarna Pri Vodnjaku", country="Slovenia", taxNumber="SI10000001"
    )


@pytest.fixture
def certified(
    api: Api, slovenian: dict[str, Any], org_p12: bytes, fiscal_settings: Settings
) -> dict[str, Any]:
    """The Slovenian organization with its FURS certificate uploaded."""
    response = upload_certificate(api, slovenian["id"], org_p12)
    assert response.status_code == 200, response.text
    return slovenian


REAL_ESTATE = {
    "businessPremiseId": "P1",
    "type": "realestate",
    "cadastralNumber": 365,
    "buildingNumber": 12,
    "buildingSectionNumber": 3,
    "street": "Trg republike",
    "houseNumber": "3",
    "community": "Ljubljana",
    "city": "Ljubljana",
    "postalCode": "1000",
}


def readonly_member(api: Api, organization_id: str) -> Api:
    """Another account with readonly access to the organization (COMPAT §3.6)."""
    reader = Api(api.client)
    data = {"accountId": reader.account_id, "role": "readonly", "requireConfirmation": "false"}
    assert api.post(f"/v1/organizations/{organization_id}/invite", data=data).status_code == 200
    return reader


OPERATOR = {"firstname": "Ana", "lastname": "Novak", "taxNumber": "12345678"}
INVOICE = {
    "_documentClient": {"name": "Janez Kranjski", "taxNumber": "SI 8765 4321"},
    "_documentItems": [
        {"name": "Kava", "price": 1.5, "quantity": 2, "_documentItemTaxes": [{"rate": 22}]},
        {"name": "Rogljiček", "price": 1.2, "quantity": 1, "_documentItemTaxes": [{"rate": 9.5}]},
        {"name": "Voda", "price": 0.5, "quantity": 1},
    ],
}


def set_operator(api: Api, **fields: str) -> None:
    response = api.patch(f"/v1/accounts/{api.account_id}", json={**OPERATOR, **fields})
    assert response.status_code == 200, response.text


def register_premise(api: Api, organization_id: str, label: str = "P1", *devices: str) -> Any:
    response = api.post(f"/v1/organizations/{organization_id}/businesspremises",
                        json={**REAL_ESTATE, "businessPremiseId": label})  # fmt: skip
    assert response.status_code == 200, response.text
    premise = response.json()
    for device in devices or ("D1",):
        created = api.post(f"/v1/businessPremises/{premise['id']}/electronicDevices",
                           json={"electronicDeviceId": device})  # fmt: skip
        assert created.status_code == 200, created.text
    return premise


def set_default(api: Api, organization_id: str, name: str, value: Any) -> Any:
    return api.post(
        f"/v1/organizations/{organization_id}/defaults", json={"name": name, "value": value}
    )


@pytest.fixture
def verifying(api: Api, certified: dict[str, Any], furs: FursServer) -> dict[str, Any]:
    """A café that verifies: certificate, premise P1 with device D1 registered (production),
    the operator's data on the account, `furs_verifying` on (FISCAL §S7)."""
    register_premise(api, certified["id"])
    set_operator(api)
    response = set_default(api, certified["id"], "furs_verifying", True)
    assert response.status_code == 200, response.text
    furs.reset()
    return certified
