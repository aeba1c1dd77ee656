"""Certificates made for the tests (never a real or downloaded one, issue 11): a certificate
authority, a server certificate for 127.0.0.1 and localhost, and organization certificates with
their keys as PKCS#12 files, modern (AES) or legacy (3DES, or RC2 through the openssl tool)."""

from __future__ import annotations

import ipaddress
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

KEY_SIZE = 2048


@dataclass(frozen=True)
class Issued:
    key: RSAPrivateKey
    certificate: x509.Certificate

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def new_key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def name(*parts: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in parts])


def authority(common_name: str = "Spaceport Test FURS CA") -> Issued:
    key = new_key()
    subject = name((NameOID.COUNTRY_NAME, "SI"), (NameOID.COMMON_NAME, common_name))
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, certificate)


def issue(
    ca: Issued,
    subject: x509.Name,
    *,
    server: bool = False,
    valid_days: int = 30,
    serial: int | None = None,
) -> Issued:
    key = new_key()
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(now - timedelta(days=2))
        .not_valid_after(now + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
    return Issued(key, builder.sign(ca.key, hashes.SHA256()))


def organization_subject(tax_number: str = "10000001") -> x509.Name:
    """A subject shaped like FURS's certificates for a taxpayer."""
    return name(
        (NameOID.COUNTRY_NAME, "SI"),
        (NameOID.ORGANIZATION_NAME, "state-institutions"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, "DavPotRacTEST"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, tax_number),
        (NameOID.SERIAL_NUMBER, "1"),
        (NameOID.COMMON_NAME, "TESTNO PODJETJE 1"),
    )


def organization_dn(tax_number: str = "10000001") -> str:
    """`organization_subject` as RFC 4514 writes it: the last RDN first, `serialNumber` by its
    registered short name (RFC 4519), not as a dotted OID."""
    return (
        f"CN=TESTNO PODJETJE 1,serialNumber=1,OU={tax_number},OU=DavPotRacTEST,"
        "O=state-institutions,C=SI"
    )


AUTHORITY_DN = "CN=Spaceport Test FURS CA,C=SI"


def pkcs12_of(issued: Issued, passphrase: bytes, *, legacy: bool = False) -> bytes:
    """A PKCS#12 file of key and certificate; `legacy`: 3DES and SHA-1, as older tools write."""
    if legacy:
        encryption = (
            serialization.PrivateFormat.PKCS12.encryption_builder()
            .kdf_rounds(2048)
            .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
            .hmac_hash(hashes.SHA1())
            .build(passphrase)
        )
    else:
        encryption = serialization.BestAvailableEncryption(passphrase)
    return pkcs12.serialize_key_and_certificates(
        b"furs", issued.key, issued.certificate, None, encryption
    )


def rc2_pkcs12_of(issued: Issued, passphrase: str) -> bytes:
    """A PKCS#12 file as FURS issued them: the certificate under RC2-40, the key under 3DES
    (written by the openssl tool, which has RC2 in its legacy provider)."""
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        (folder / "key.pem").write_bytes(issued.key_pem())
        (folder / "cert.pem").write_bytes(issued.pem())
        subprocess.run(
            [
                "openssl", "pkcs12", "-export", "-legacy",
                "-certpbe", "PBE-SHA1-RC2-40", "-keypbe", "PBE-SHA1-3DES",
                "-inkey", str(folder / "key.pem"), "-in", str(folder / "cert.pem"),
                "-out", str(folder / "out.p12"), "-passout", f"pass:{passphrase}",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return (folder / "out.p12").read_bytes()


def certificate_only_pkcs12(issued: Issued, passphrase: bytes) -> bytes:
    """A PKCS#12 file holding a certificate and no private key."""
    return pkcs12.serialize_key_and_certificates(
        b"furs", None, None, [issued.certificate], serialization.BestAvailableEncryption(passphrase)
    )
