"""FISCAL §S4.1, FISCAL §S4.2, FISCAL §S4.3: opening and checking a PKCS#12 certificate."""

from __future__ import annotations

import pytest

from spaceport.fiscal.credentials import CertificateInfo, CertificateRefused, open_pkcs12
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


@pytest.fixture(scope="module")
def identity() -> Issued:
    return issue(authority(), organization_subject(), serial=2**90 + 1)


@pytest.mark.parametrize("kind", ["modern", "3des", "rc2"])
def test_modern_and_legacy_files_open(identity: Issued, kind: str) -> None:
    """FISCAL §S4.1: legacy 3DES/RC2 files as FURS issues them open too."""
    if kind == "rc2":
        data = rc2_pkcs12_of(identity, "geslo")
    else:
        data = pkcs12_of(identity, b"geslo", legacy=kind == "3des")
    credentials = open_pkcs12(data, "geslo")
    assert credentials.certificate == identity.certificate
    assert credentials.key.private_numbers() == identity.key.private_numbers()


def test_the_info_names_subject_issuer_serial_and_validity(identity: Issued) -> None:
    """FISCAL §S4.3: RFC 4514 names, the serial a decimal string."""
    info = CertificateInfo.of(identity.certificate)
    assert info.serial == str(2**90 + 1)
    assert info.subject == organization_dn()
    assert info.issuer == AUTHORITY_DN
    assert info.valid_from < info.valid_to
    assert set(info.answer()) == {"subject", "issuer", "serial", "validFrom", "validTo"}


@pytest.mark.parametrize(
    ("data", "passphrase", "says"),
    [
        (b"", "geslo", "No certificate file"),
        (b"-----BEGIN CERTIFICATE-----\nMIIB\n", "geslo", "not a PKCS#12"),
        (b"\x30\x03\x02\x01\x02", "geslo", "not a PKCS#12"),
    ],
)
def test_what_is_not_a_certificate_is_refused(data: bytes, passphrase: str, says: str) -> None:
    """FISCAL §S4.2: no file, not PKCS#12."""
    with pytest.raises(CertificateRefused, match=says):
        open_pkcs12(data, passphrase)


def test_a_wrong_or_missing_passphrase_is_refused(identity: Issued) -> None:
    """FISCAL §S4.2: does not open with the passphrase."""
    data = pkcs12_of(identity, b"geslo")
    for wrong in ("napacno", ""):
        with pytest.raises(CertificateRefused, match="passphrase"):
            open_pkcs12(data, wrong)


def test_a_file_without_a_private_key_is_refused(identity: Issued) -> None:
    """FISCAL §S4.2: no private key."""
    with pytest.raises(CertificateRefused, match="no private key"):
        open_pkcs12(certificate_only_pkcs12(identity, b"geslo"), "geslo")


def test_an_expired_certificate_is_refused() -> None:
    """FISCAL §S4.2: certificate expired."""
    expired = issue(authority(), organization_subject(), valid_days=-1)
    with pytest.raises(CertificateRefused, match="expired"):
        open_pkcs12(pkcs12_of(expired, b"geslo"), "geslo")
