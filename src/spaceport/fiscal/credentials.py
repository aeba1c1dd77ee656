"""An organization's FURS certificate: its PKCS#12 file opened (FISCAL §S4.1, legacy 3DES and
RC2 files too) and checked (FISCAL §S4.2), and what is answered of it (FISCAL §S4.3)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

# RFC 4514 section 2.3: a type with a registered short name is written by it (RFC 4519's, beyond the
# nine cryptography knows); without one it would be a dotted OID whose value RFC 4514 section 2.4
# wants hex-encoded, which cryptography does not do. FURS's certificates name serialNumber.
REGISTERED_NAMES = {
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.SURNAME: "SN",
    NameOID.GIVEN_NAME: "givenName",
    NameOID.TITLE: "title",
    NameOID.INITIALS: "initials",
    NameOID.GENERATION_QUALIFIER: "generationQualifier",
    NameOID.DN_QUALIFIER: "dnQualifier",
    NameOID.POSTAL_CODE: "postalCode",
    NameOID.BUSINESS_CATEGORY: "businessCategory",
}


def rfc4514(name: x509.Name) -> str:
    """FISCAL §S3.2, FISCAL §S4.3: the name as RFC 4514 writes it (the last RDN first)."""
    return name.rfc4514_string(REGISTERED_NAMES)


class CertificateRefused(ValueError):
    """FISCAL §S4.2: why a file is not a usable certificate (never its content)."""


@dataclass(frozen=True)
class Credentials:
    key: RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()
    # the TLS contexts made for these credentials, per CA file (`fiscal.client.context_of`)
    contexts: dict[str | None, ssl.SSLContext] = field(
        default_factory=dict, compare=False, repr=False
    )

    def pem_chain(self) -> bytes:
        """Key, certificate and chain in one PEM, for the TLS library (FISCAL §S3.1)."""
        key = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        certificates = (self.certificate, *self.chain)
        return key + b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


@dataclass(frozen=True)
class CertificateInfo:
    """FISCAL §S4.3: subject and issuer as RFC 4514 strings, serial a decimal string."""

    subject: str
    issuer: str
    serial: str
    valid_from: datetime
    valid_to: datetime

    @classmethod
    def of(cls, certificate: x509.Certificate) -> CertificateInfo:
        return cls(
            subject=rfc4514(certificate.subject),
            issuer=rfc4514(certificate.issuer),
            serial=str(certificate.serial_number),
            valid_from=certificate.not_valid_before_utc,
            valid_to=certificate.not_valid_after_utc,
        )

    def answer(self) -> dict[str, object]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "validFrom": self.valid_from,
            "validTo": self.valid_to,
        }


def open_pkcs12(data: bytes, passphrase: str, *, now: datetime | None = None) -> Credentials:
    """The key and certificate of a PKCS#12 file; `CertificateRefused` saying which rule of
    FISCAL §S4.2 it breaks."""
    if not data:
        raise CertificateRefused("No certificate file was given")
    if not looks_like_pkcs12(data):
        raise CertificateRefused("The file is not a PKCS#12 certificate")
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, passphrase.encode())
    except ValueError:
        # cryptography says "Invalid password or PKCS12 data" for both: the file is DER of a
        # PFX (checked above), so what failed is the passphrase (or a damaged file).
        raise CertificateRefused(
            "The certificate does not open with the given passphrase"
        ) from None
    if key is None:
        raise CertificateRefused("The certificate file holds no private key")
    if certificate is None:
        raise CertificateRefused("The certificate file holds no certificate")
    if not isinstance(key, RSAPrivateKey):
        raise CertificateRefused("The certificate's key is not an RSA key")
    check_valid(certificate, now)
    return Credentials(key, certificate, tuple(chain))


def check_valid(certificate: x509.Certificate, now: datetime | None = None) -> None:
    """FISCAL §S4.2: an expired certificate is refused (at upload, and at every use after)."""
    if (now or datetime.now(UTC)) > certificate.not_valid_after_utc:
        raise CertificateRefused("The certificate has expired")


def looks_like_pkcs12(data: bytes) -> bool:
    """A DER `PFX` SEQUENCE whose first element is the version INTEGER 3 (RFC 7292)."""
    if len(data) < 8 or data[0] != 0x30:
        return False
    length = data[1]
    offset = 2 if length < 0x80 else 2 + (length & 0x7F)
    return data[offset : offset + 3] == b"\x02\x01\x03"
