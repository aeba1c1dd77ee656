"""COMPAT §1.13: a client generated from `/openapi.json` (openapi-python-client, offline) signs
up, logs in and works with organizations, clients, documents and payments on a live server,
its typed models reading the answers."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import LiveServer

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
CONFIG = {
    "project_name_override": "spaceport-client",
    "package_name_override": "spaceport_client",
    "post_hooks": [],
    # The generator reads binary answers only as octet-stream: PDFs, images and exports are.
    "content_type_overrides": {
        "application/pdf": "application/octet-stream",
        "image/*": "application/octet-stream",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
            "application/octet-stream"
        ),
    },
}


def generate(base_url: str, folder: Path) -> Any:
    """The generated package, imported; the generator must not leave any route out."""
    document = httpx.get(f"{base_url}/openapi.json", timeout=60).json()
    (folder / "openapi.json").write_text(json.dumps(document), encoding="utf-8")
    (folder / "config.json").write_text(json.dumps(CONFIG), encoding="utf-8")
    command = [str(GENERATOR), "generate", "--path", "openapi.json", "--config", "config.json"]
    command += ["--output-path", "client/spaceport_client", "--meta", "none"]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(folder / "client"))
    try:
        return importlib.import_module("spaceport_client")
    finally:
        sys.path.remove(str(folder / "client"))


def module(name: str) -> Any:
    return importlib.import_module(f"spaceport_client.{name}")


def test_a_generated_client_works(live_server: LiveServer, tmp_path: Path) -> None:
    package = generate(live_server.url, tmp_path)
    models = module("models")
    email, password = f"generated-{uuid.uuid4().hex[:8]}@example.com", "a long enough password"
    patient = httpx.Timeout(60)  # a loaded machine (and Argon2 hashing) can take seconds
    anonymous = package.Client(
        base_url=live_server.url, raise_on_unexpected_status=True, timeout=patient
    )

    body = models.AccountCreate(email=email, password=password)
    account = module("api.accounts.create_account").sync(client=anonymous, body=body)
    assert isinstance(account, models.Account) and account.email == email
    code = module("api.accounts.log_in").sync(
        client=anonymous, body=models.Login(email=email, password=password)
    )
    assert isinstance(code, models.LaunchCode) and code.user_id == account.id
    # COMPAT §3.1: the raw launch code in `Authorization`, as the SDKs send it
    me = package.AuthenticatedClient(
        base_url=live_server.url, token=code.id, prefix="", timeout=patient
    )

    organization = module("api.organizations.create_organization").sync(
        account.id, client=me, body=models.OrganizationCreate(name="Generated", country="Belgium")
    )
    assert isinstance(organization, models.Organization) and organization.name == "Generated"
    assert isinstance(organization.field_defaults, list)  # `_defaults`, always included

    client = module("api.clients.create_client").sync(
        organization.id, client=me, body=models.ClientCreate(name="Rocket Inc")
    )
    listed = module("api.clients.list_clients").sync(
        organization.id, client=me, filter_=json.dumps({"where": {"name": "Rocket Inc"}})
    )
    assert [c.id for c in listed] == [client.id]
    counted = module("api.clients.count_clients").sync(organization.id, client=me, where="{}")
    assert counted.count == 1

    line = models.DocumentItemIn(name="Fuel", price=10.5, quantity=2)
    document = module("api.documents.create_document").sync(
        organization.id,
        client=me,
        body=models.DocumentCreate(client_id=client.id, field_document_items=[line]),
    )
    assert isinstance(document, models.Document), document
    assert document.total == 21 and document.field_document_items[0].quantity == 2
    payment = module("api.payments.create_for_document").sync(
        document.id, client=me, body=models.PaymentCreate(type_=models.PaymentCreateType.CASH)
    )
    assert isinstance(payment, models.Payment) and payment.amount == document.total_with_tax
    paid = module("api.documents.get_document").sync(document.id, client=me)
    assert paid.paid_in_full is True

    # COMPAT §2.1: errors are read as the envelope
    refused = module("api.clients.get_client").sync_detailed("0" * 24, client=me)
    assert refused.status_code == 404
    assert isinstance(refused.parsed, models.Error) and refused.parsed.error.status_code == 404
