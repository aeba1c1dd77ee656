"""FISCAL §S4 through HTTP: upload, info, the last upload wins, secrets sealed and never
answered (FISCAL §S4.4); access as COMPAT §2.2 and COMPAT §3.6 (FISCAL §S15.2)."""

from __future__ import annotations

import base64
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from spaceport.config import Settings
from spaceport.fiscal.zoi import protected_id, zoi_input
from spaceport.kit.db import Database
from tests.conftest import Api
from tests.fiscal.certificates import (
    AUTHORITY_DN,
    Issued,
    authority,
    certificate_only_pkcs12,
    issue,
    organization_dn,
    organization_subject,
    pkcs12_of,
    rc2_pkcs12_of,
)
from tests.fiscal.conftest import INVOICE, PASSPHRASE, readonly_member, upload_certificate
from tests.fiscal.furs import FursServer


def info_url(organization_id: str) -> str:
    return f"/v1/organizations/{organization_id}/certificate?type=furs"


def test_upload_answers_the_certificate_and_info_reads_it_back(
    api: Api, slovenian: dict[str, Any], org_identity: Issued, org_p12: bytes
) -> None:
    """FISCAL §S4.1, FISCAL §S4.3: RFC 4514 names, the serial a decimal string, COMPAT §1.5
    times."""
    oid = slovenian["id"]
    assert api.get(info_url(oid)).status_code == 404
    response = upload_certificate(api, oid, org_p12)
    assert response.status_code == 200, response.text
    answer = response.json()
    certificate = org_identity.certificate
    assert answer == {
        "success": True,
        "subject": organization_dn(),
        "issuer": AUTHORITY_DN,
        "serial": str(certificate.serial_number),
        "validFrom": answer["validFrom"],
        "validTo": answer["validTo"],
    }
    assert answer["validTo"].endswith("Z") and len(answer["validTo"]) == 24
    info = api.get(info_url(oid))
    assert info.status_code == 200
    assert info.json() == {k: v for k, v in answer.items() if k != "success"}


def test_a_legacy_rc2_file_as_furs_issues_them_uploads(
    api: Api, slovenian: dict[str, Any], org_identity: Issued
) -> None:
    """FISCAL §S4.1: legacy 3DES/RC2 files open too."""
    response = upload_certificate(
        api, slovenian["id"], rc2_pkcs12_of(org_identity, "rc2-geslo"), "rc2-geslo"
    )
    assert response.status_code == 200, response.text


def test_the_last_upload_wins_and_secrets_are_sealed(
    api: Api,
    slovenian: dict[str, Any],
    org_p12: bytes,
    database: Database,
    fiscal_settings: Settings,
) -> None:
    """FISCAL §S4.4: the previous one is replaced; neither the file, nor the passphrase, nor
    the key is in the database in clear, in an answer or in an event."""
    oid = slovenian["id"]
    assert upload_certificate(api, oid, org_p12).status_code == 200
    second = issue(authority(), organization_subject(), serial=424242)
    second_file = pkcs12_of(second, b"drugo-geslo")
    answer = upload_certificate(api, oid, second_file, "drugo-geslo")
    assert answer.status_code == 200
    assert api.get(info_url(oid)).json()["serial"] == "424242"

    with database.transaction(write=False) as session:
        rows = session.execute(
            text("SELECT * FROM furs_certificates WHERE organization_id = :o"), {"o": oid}
        ).all()
        events = session.execute(
            text("SELECT data FROM events WHERE organization_id = :o"), {"o": oid}
        ).all()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    for secret in ("drugo-geslo", PASSPHRASE, base64.b64encode(second_file).decode()[:40],
                   base64.b64encode(org_p12).decode()[:40], second_file[:40].hex()):  # fmt: skip
        assert secret not in stored
        assert secret not in answer.text
        assert all(secret not in str(event) for event in events)


@pytest.mark.parametrize(
    ("case", "says"),
    [
        ("type", "type=furs"),
        ("no file", "No certificate file"),
        ("not pkcs12", "not a PKCS#12"),
        ("wrong passphrase", "passphrase"),
        ("no passphrase header", "passphrase"),
        ("no private key", "no private key"),
        ("expired", "expired"),
    ],
)
def test_what_cannot_be_used_is_a_422_that_says_why_and_nothing_is_stored(
    api: Api, slovenian: dict[str, Any], org_identity: Issued, org_p12: bytes, case: str, says: str
) -> None:
    """FISCAL §S4.2: 422, nothing stored."""
    oid = slovenian["id"]
    if case == "type":
        response = upload_certificate(api, oid, org_p12, kind="other")
    elif case == "no file":
        response = api.client.post(
            f"/v1/organizations/{oid}/upload-certificate?type=furs",
            headers={**api.headers, "passphrase": PASSPHRASE},
            files={"other": ("x.txt", b"hello", "text/plain")},
        )
    elif case == "not pkcs12":
        response = upload_certificate(api, oid, b"-----BEGIN CERTIFICATE-----\nMIIB\n")
    elif case == "wrong passphrase":
        response = upload_certificate(api, oid, org_p12, "napacno")
    elif case == "no passphrase header":
        response = upload_certificate(api, oid, org_p12, None)
    elif case == "no private key":
        response = upload_certificate(
            api, oid, certificate_only_pkcs12(org_identity, PASSPHRASE.encode())
        )
    else:
        expired = issue(authority(), organization_subject(), valid_days=-1)
        response = upload_certificate(api, oid, pkcs12_of(expired, PASSPHRASE.encode()))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["statusCode"] == 422 and says in error["message"]
    assert PASSPHRASE not in response.text
    assert api.get(info_url(oid)).status_code == 404


def test_access_is_as_for_every_organization_route(
    api: Api, slovenian: dict[str, Any], org_p12: bytes, client: Any
) -> None:
    """FISCAL §S15.2: COMPAT §2.2 401 without access, COMPAT §3.6 403 for readonly writes."""
    oid = slovenian["id"]
    stranger = Api(client)
    assert upload_certificate(stranger, oid, org_p12).status_code == 401
    assert stranger.get(info_url(oid)).status_code == 401
    assert client.get(info_url(oid)).status_code == 401
    reader = readonly_member(api, oid)
    assert upload_certificate(reader, oid, org_p12).status_code == 403
    assert reader.get(info_url(oid)).status_code == 404


def test_a_new_upload_is_used_at_once_while_the_old_one_is_kept_opened(
    api: Api, verifying: dict[str, Any], furs: FursServer, org_identity: Issued
) -> None:
    """FISCAL §S4.4: the last upload wins, also in a process that keeps the opened credentials
    and their TLS context (`fiscal.certificates`): the next invoice is signed (JWS, ZOI) and
    sent over TLS with the new certificate."""
    oid = verifying["id"]
    documents = f"/v1/organizations/{oid}/documents"
    for _ in range(2):  # opened, then taken from the kept ones
        assert api.post(documents, json=INVOICE).json()["_furs"]["status"] == "verified"
    assert {r.header["serial"] for r in furs.invoices()} == {org_identity.certificate.serial_number}
    renewed = issue(furs.ca, organization_subject("10000001"), serial=2**90 + 11)
    assert upload_certificate(api, oid, pkcs12_of(renewed, PASSPHRASE.encode())).status_code == 200
    document = api.post(documents, json=INVOICE).json()
    assert document["_furs"]["status"] == "verified"
    last = furs.invoices()[-1]
    assert last.header["serial"] == renewed.certificate.serial_number
    assert last.client_serial == renewed.certificate.serial_number  # the TLS client certificate
    issued = datetime.fromisoformat(document["date"].replace("Z", "+00:00"))
    total = Decimal(str(document["totalWithTax"]))
    text_ = zoi_input(10000001, issued, "3", "P1", "D1", total)
    assert document["_furs"]["zoi"] == protected_id(renewed.key, text_)
