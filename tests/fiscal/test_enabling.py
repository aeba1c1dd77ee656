"""FISCAL §S7 through HTTP: the FURS Defaults (COMPAT §7.2) and the setup turning it on needs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.fiscal.conftest import register_premise, set_default, upload_certificate


def defaults_of(api: Api, oid: str) -> dict[str, Any]:
    return {d["name"]: d["value"] for d in api.get(f"/v1/organizations/{oid}/defaults").json()}


@pytest.mark.parametrize(
    ("name", "value"),
    [("furs_env", "staging"), ("furs_strategy", "A"), ("furs_verifying", "maybe")],
)
def test_other_values_are_422(api: Api, slovenian: dict[str, Any], name: str, value: Any) -> None:
    """FISCAL §S7.1: `furs_env` test | production, `furs_strategy` C | B."""
    response = set_default(api, slovenian["id"], name, value)
    assert response.status_code == 422, response.text
    assert name not in defaults_of(api, slovenian["id"])


def test_turning_it_on_needs_the_whole_setup(
    api: Api, slovenian: dict[str, Any], org_p12: bytes, fiscal_settings: Any
) -> None:
    """FISCAL §S7.2: 422, nothing changed, until the organization is Slovenian, has a
    certificate and a premise registered in the current `furs_env` with a live device."""
    oid = slovenian["id"]
    refused = set_default(api, oid, "furs_verifying", True)
    assert refused.status_code == 422
    assert "certificate" in refused.json()["error"]["message"]
    assert "furs_verifying" not in defaults_of(api, oid)

    assert upload_certificate(api, oid, org_p12).status_code == 200
    register_premise(api, oid, "P1", "D1")
    assert set_default(api, oid, "furs_env", "test").status_code == 200
    refused = set_default(api, oid, "firs_verifying", "true")  # the alias, as a form value
    assert refused.status_code == 422
    assert "registered in test" in refused.json()["error"]["message"]

    env_id = next_id(api, oid, "furs_env")
    assert api.patch(f"/v1/defaults/{env_id}", json={"value": "production"}).status_code == 200
    assert set_default(api, oid, "furs_verifying", True).status_code == 200
    assert defaults_of(api, oid)["furs_verifying"] is True


def next_id(api: Api, oid: str, name: str) -> str:
    found = api.get(f"/v1/organizations/{oid}/defaults").json()
    return str(next(d["id"] for d in found if d["name"] == name))


def test_an_organization_that_is_not_slovenian_cannot_turn_it_on(
    api: Api, org_p12: bytes, fiscal_settings: Any
) -> None:
    belgian = api.create_organization(taxNumber="BE0123456789")
    assert upload_certificate(api, belgian["id"], org_p12).status_code == 200
    refused = set_default(api, belgian["id"], "furs_verifying", True)
    assert refused.status_code == 422
    assert "Slovenian" in refused.json()["error"]["message"]


def test_turning_it_off_is_always_allowed(api: Api, verifying: dict[str, Any]) -> None:
    oid = verifying["id"]
    default_id = next_id(api, oid, "furs_verifying")
    assert api.patch(f"/v1/defaults/{default_id}", json={"value": False}).status_code == 200
    assert defaults_of(api, oid)["furs_verifying"] is False
