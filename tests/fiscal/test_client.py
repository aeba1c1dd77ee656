"""FISCAL §S2, FISCAL §S3: the FURS client against the loopback FURS server over mutual TLS."""

from __future__ import annotations

import os
import ssl
import stat
import tempfile
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from spaceport.config import Settings
from spaceport.fiscal import client, messages
from spaceport.fiscal.client import Refused, Unreachable
from spaceport.fiscal.credentials import Credentials
from spaceport.fiscal.messages import PremiseMessage
from tests.fiscal.certificates import (
    AUTHORITY_DN,
    authority,
    issue,
    organization_dn,
    organization_subject,
)
from tests.fiscal.furs import FursServer

NOW = datetime(2026, 12, 1, 11, 0, 0, tzinfo=UTC)


def furs_settings(furs: FursServer, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "furs_test_url": furs.url,
        "furs_production_url": furs.url.replace("127.0.0.1", "localhost"),
        "furs_ca_file": furs.ca_file,
        "furs_timeout_seconds": 10.0,  # room on a loaded machine
    }
    return Settings(**{**values, **changes})


def premise_request() -> messages.Message:
    premise = PremiseMessage(
        tax_number=10000001,
        business_premise_id="P1",
        place="A",
        validity_date=date(2026, 12, 1),
        software_supplier=messages.software_supplier(None, "Spaceport"),
    )
    return messages.business_premise_request(premise, NOW)


def invoice_request() -> messages.Message:
    body = {"TaxNumber": 10000001, "InvoiceAmount": Decimal("1.00")}
    return messages.invoice_request(body, NOW, subsequent=False)


def test_a_premise_is_registered_over_mutual_tls_with_a_verified_jws(
    furs: FursServer, credentials: Credentials
) -> None:
    """FISCAL §S3.1, FISCAL §S3.2: the organization's certificate on the TLS connection, the
    JWS signed with its key and naming it; FURS's answer read."""
    request = premise_request()
    answer = client.register_premise(furs_settings(furs), "test", credentials, request)
    assert "Header" in answer and "Error" not in answer
    (received,) = furs.premises()
    assert received.payload == messages.decode(messages.encode(request))
    assert received.client_subject == credentials.certificate.subject.rfc4514_string()
    assert received.header["serial"] == credentials.certificate.serial_number
    assert received.header["subject_name"] == organization_dn()  # FISCAL §S3.2: RFC 4514
    assert received.header["issuer_name"] == AUTHORITY_DN


def test_an_invoice_gets_its_eor(furs: FursServer, credentials: Credentials) -> None:
    """FISCAL §S3.4: `UniqueInvoiceID` is the EOR."""
    eor = client.send_invoice(furs_settings(furs), "test", credentials, invoice_request())
    assert eor == furs.eors[-1] and uuid.UUID(eor)


def test_production_is_the_other_url_and_the_hostname_is_verified(
    furs: FursServer, credentials: Credentials
) -> None:
    """FISCAL §S2: `furs_env` production uses the production URL (here `localhost`, which the
    server's certificate names too)."""
    client.register_premise(furs_settings(furs), "production", credentials, premise_request())
    assert len(furs.premises()) == 1


def test_an_error_is_a_refusal_with_furs_code_and_message(
    furs: FursServer, credentials: Credentials
) -> None:
    """FISCAL §S3.4: with `Error` it is a refusal."""
    furs.mode = "refuse"
    with pytest.raises(Refused) as refused:
        client.send_invoice(furs_settings(furs), "test", credentials, invoice_request())
    assert (refused.value.code, refused.value.message) == furs.refusal


@pytest.mark.parametrize("mode", ["http500", "garbage"])
def test_http_500_or_no_expected_element_is_unreachable(
    furs: FursServer, credentials: Credentials, mode: Any
) -> None:
    """FISCAL §S3.4: HTTP ≥ 500, no expected element: unreachable."""
    furs.mode = mode
    with pytest.raises(Unreachable):
        client.send_invoice(furs_settings(furs), "test", credentials, invoice_request())


def test_a_server_that_is_down_is_unreachable(furs: FursServer, credentials: Credentials) -> None:
    furs.down()
    with pytest.raises(Unreachable, match="unreachable"):
        client.send_invoice(furs_settings(furs), "test", credentials, invoice_request())
    furs.up()
    assert client.send_invoice(furs_settings(furs), "test", credentials, invoice_request())


def test_a_stalled_answer_is_unreachable_after_the_timeout(
    furs: FursServer, credentials: Credentials
) -> None:
    """FISCAL §S2: `SPACEPORT_FURS_TIMEOUT_SECONDS` bounds one whole call."""
    furs.mode, furs.stall_seconds = "stall", 1.5
    settings = furs_settings(furs, furs_timeout_seconds=0.5)
    with pytest.raises(Unreachable, match="within 0.5 s"):
        client.send_invoice(settings, "test", credentials, invoice_request())


def test_a_server_certificate_from_another_authority_is_refused(
    furs: FursServer, credentials: Credentials
) -> None:
    """FISCAL §S3.1: FURS's certificate is verified against the CA setting."""
    other = Path(tempfile.mkdtemp()) / "other-ca.pem"
    other.write_bytes(authority().pem())
    with pytest.raises(Unreachable, match="CERTIFICATE_VERIFY_FAILED"):
        client.send_invoice(
            furs_settings(furs, furs_ca_file=str(other)), "test", credentials, invoice_request()
        )
    assert furs.received == []


def test_a_server_certificate_for_another_hostname_is_refused(credentials: Credentials) -> None:
    """FISCAL §S3.1: hostname included (this server's certificate names no address)."""
    unnamed = FursServer(hostnames_ok=False)
    try:
        own = Credentials(credentials.key, credentials.certificate)
        with pytest.raises(Unreachable, match="CERTIFICATE_VERIFY_FAILED"):
            client.send_invoice(furs_settings(unnamed), "test", own, invoice_request())
    finally:
        unnamed.down()


def test_a_client_certificate_from_another_authority_is_not_accepted(furs: FursServer) -> None:
    """FISCAL §S3.1: the server requires a certificate it trusts (mutual TLS)."""
    stranger = issue(authority(), organization_subject())
    with pytest.raises(Unreachable):
        client.send_invoice(
            furs_settings(furs),
            "test",
            Credentials(stranger.key, stranger.certificate),
            invoice_request(),
        )
    assert furs.received == []


def test_the_key_file_is_0600_and_gone_once_the_context_is_built(
    furs: FursServer,
    credentials: Credentials,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FISCAL §S3.1: a key file the TLS library needs is 0600 and deleted once the context is
    built (the real `load_cert_chain` runs; the test only looks at the file it is given)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: list[int] = []
    original = ssl.SSLContext.load_cert_chain

    def looking(self: ssl.SSLContext, certfile: Any, *args: Any, **kwargs: Any) -> None:
        seen.append(stat.S_IMODE(os.stat(certfile).st_mode))
        original(self, certfile, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_cert_chain", looking)
    client.ssl_context(credentials, furs.ca_file)
    assert seen == [0o600]
    assert list(tmp_path.iterdir()) == []


def test_echo(furs: FursServer, credentials: Credentials) -> None:
    """FISCAL §S2: `<base>/echo`."""
    assert client.echo(furs_settings(furs), "test", credentials, "spaceport") == "spaceport"
