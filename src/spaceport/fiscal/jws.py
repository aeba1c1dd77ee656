"""The signed body of every FURS request (FISCAL §S3.2): a compact JWS, RS256 with the
certificate's key, its protected header naming the certificate (`subject_name`, `issuer_name`
as RFC 4514 strings, `serial` a JSON integer: serials exceed 2^53)."""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter

from spaceport.fiscal.credentials import rfc4514

ALGORITHM = "RS256"


def _is_serial(value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("must be a non-negative integer")


def registry() -> JWSRegistry:
    """RS256 only, with the three header parameters FURS defines; a header as long as a
    certificate's names may make it."""
    found = JWSRegistry(
        header_registry={
            "subject_name": HeaderParameter("Certificate subject (RFC 4514)", "str", True),
            "issuer_name": HeaderParameter("Certificate issuer (RFC 4514)", "str", True),
            "serial": HeaderParameter("Certificate serial number", _is_serial, True),
        },
        algorithms=[ALGORITHM],
    )
    found.max_header_length = 8192
    found.max_payload_length = 1_000_000
    return found


def header(certificate: x509.Certificate) -> dict[str, Any]:
    """FISCAL §S3.2: the protected header naming `certificate`."""
    return {
        "alg": ALGORITHM,
        "subject_name": rfc4514(certificate.subject),
        "issuer_name": rfc4514(certificate.issuer),
        "serial": certificate.serial_number,
    }


def sign(payload: bytes, key: RSAPrivateKey, certificate: x509.Certificate) -> str:
    """The compact JWS of `payload` (the message's JSON) under the certificate's key."""
    return jws.serialize_compact(
        header(certificate), payload, RSAKey.import_key(key), registry=registry()
    )


def verify(token: str, public_key: RSAPublicKey) -> tuple[dict[str, Any], bytes]:
    """The protected header and payload of `token`, whose signature `public_key` verifies;
    raises `joserfc.errors.JoseError` (or ValueError for a malformed token) otherwise."""
    found = jws.deserialize_compact(token, RSAKey.import_key(public_key), registry=registry())
    return dict(found.headers()), found.payload


def unverified_payload(token: str) -> bytes:
    """The payload of a compact JWS, its signature not checked: FISCAL §S1.2 leaves verifying
    FURS's answer signatures out of scope. Raises ValueError when `token` is no compact JWS."""
    try:
        return jws.extract_compact(token.encode("ascii")).payload
    except (JoseError, UnicodeError) as exc:
        raise ValueError(f"not a compact JWS: {exc}") from None
