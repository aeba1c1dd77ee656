"""FISCAL §S3.2: the compact JWS of every request."""

from __future__ import annotations

import base64
import json

import pytest
from joserfc.errors import JoseError

from spaceport.fiscal import jws
from tests.fiscal.certificates import (
    AUTHORITY_DN,
    authority,
    issue,
    new_key,
    organization_dn,
    organization_subject,
)

BIG_SERIAL = 2**120 + 12345  # FISCAL §S3.2: serials exceed 2^53


def segment(token: str, index: int) -> bytes:
    part = token.split(".")[index]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_the_header_names_the_certificate_and_the_serial_is_a_json_integer() -> None:
    """FISCAL §S3.2: alg RS256, subject_name and issuer_name (RFC 4514), serial an integer."""
    ca = authority()
    org = issue(ca, organization_subject(), serial=BIG_SERIAL)
    token = jws.sign(b'{"a": 1}', org.key, org.certificate)

    raw_header = segment(token, 0).decode()
    header = json.loads(raw_header)
    assert header == {
        "alg": "RS256",
        "subject_name": organization_dn(),
        "issuer_name": AUTHORITY_DN,
        "serial": BIG_SERIAL,
    }
    assert f'"serial":{BIG_SERIAL}' in raw_header.replace(" ", "")
    assert segment(token, 1) == b'{"a": 1}'


def test_the_signature_verifies_with_the_certificates_public_key_only() -> None:
    org = issue(authority(), organization_subject())
    token = jws.sign(b'{"hello": "furs"}', org.key, org.certificate)
    header, payload = jws.verify(token, org.certificate.public_key())  # type: ignore[arg-type]
    assert payload == b'{"hello": "furs"}' and header["alg"] == "RS256"
    with pytest.raises(JoseError):
        jws.verify(token, new_key().public_key())


def test_the_payload_of_an_answer_is_read_without_its_signature() -> None:
    """FISCAL §S1.2: verifying FURS's answer signatures is out of scope."""
    org = issue(authority(), organization_subject())
    token = jws.sign(b'{"x": 2}', org.key, org.certificate)
    assert jws.unverified_payload(token) == b'{"x": 2}'
    with pytest.raises(ValueError):
        jws.unverified_payload("not a token")
