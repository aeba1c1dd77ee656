"""The organization's FURS certificate (FISCAL §S4): stored sealed, read back as credentials.

FISCAL §S4.4: the file and its passphrase are sealed (`kit.sealing`, authenticated encryption
under a key derived from `SPACEPORT_SECRET_KEY`); no answer, event, log line or error holds
them. An upload replaces the previous one in place: the sealed columns are overwritten.

Opening the PKCS#12 file (and the TLS context made from it, `fiscal.client.context_of`) is
the slow part of a fiscalized create: the opened credentials are kept in the process, one
entry per organization, keyed by a digest of the sealed upload. A new upload seals anew (a
fresh nonce), so its digest differs and the next use opens the new file at once, in every
process; the old entry is replaced. Expiry is checked at every use."""

from __future__ import annotations

import base64
import hashlib
import threading
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.fiscal.credentials import (
    CertificateInfo,
    CertificateRefused,
    Credentials,
    check_valid,
    open_pkcs12,
)
from spaceport.fiscal.errors import CertificateInvalid
from spaceport.fiscal.models import FursCertificate
from spaceport.kit.repository import Repository
from spaceport.kit.sealing import seal, unseal

MAX_CERTIFICATE_BYTES = 256 * 1024


def opened(data: bytes, passphrase: str | None) -> CertificateInfo:
    """FISCAL §S4.2: what is known of an uploaded PKCS#12 file that opens with its passphrase,
    or why it is refused (422, nothing stored). Slow (the file's key derivation): call it in no
    transaction."""
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise CertificateInvalid("The file is not a PKCS#12 certificate (too large)")
    if passphrase is None:
        raise CertificateInvalid("The certificate does not open without the passphrase header")
    try:
        credentials = open_pkcs12(data, passphrase)
    except CertificateRefused as refused:
        raise CertificateInvalid(str(refused)) from None
    return CertificateInfo.of(credentials.certificate)


class CertificateRepository(Repository[FursCertificate]):
    model = FursCertificate

    def of(self, organization_id: str) -> FursCertificate | None:
        return self.first(select(FursCertificate).where(self.in_organization(organization_id)))


def store(
    session: Session,
    settings: Settings,
    organization_id: str,
    data: bytes,
    passphrase: str,
    info: CertificateInfo,
) -> FursCertificate:
    """FISCAL §S4.4: the last upload wins; the previous file and passphrase are overwritten."""
    key = settings.secret_key
    values: dict[str, Any] = {
        "sealed_file": seal(base64.b64encode(data).decode("ascii"), key),
        "sealed_passphrase": seal(passphrase, key),
        "subject": info.subject,
        "issuer": info.issuer,
        "serial": info.serial,
        "valid_from": info.valid_from,
        "valid_to": info.valid_to,
    }
    repository = CertificateRepository(session)
    found = repository.of(organization_id)
    if found is None:
        return repository.add(FursCertificate(organization_id=organization_id, **values))
    for name, value in values.items():
        setattr(found, name, value)
    session.flush()
    return found


def info_of(session: Session, organization_id: str) -> CertificateInfo | None:
    found = CertificateRepository(session).of(organization_id)
    if found is None:
        return None
    return CertificateInfo(
        found.subject, found.issuer, found.serial, found.valid_from, found.valid_to
    )


_opened: dict[str, tuple[bytes, Credentials]] = {}  # organization id → (upload digest, opened)
_opening = threading.Lock()


def upload_digest(found: FursCertificate, secret_key: str) -> bytes:
    """Names one upload as this server unseals it (its sealed columns and the server's key)."""
    digest = hashlib.sha256()
    for part in (found.sealed_file, found.sealed_passphrase, secret_key):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.digest()


def credentials_of(
    session: Session, settings: Settings, organization_id: str
) -> Credentials | None:
    """The stored key and certificate, or None without a certificate; opened once per upload
    in the process."""
    found = CertificateRepository(session).of(organization_id)
    if found is None:
        return None
    digest = upload_digest(found, settings.secret_key)
    kept = _opened.get(organization_id)
    if kept is not None and kept[0] == digest:
        check_valid(kept[1].certificate)
        return kept[1]
    data = base64.b64decode(unseal(found.sealed_file, settings.secret_key))
    credentials = open_pkcs12(data, unseal(found.sealed_passphrase, settings.secret_key))
    with _opening:
        _opened[organization_id] = (digest, credentials)
    return credentials
