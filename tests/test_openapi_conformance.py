"""COMPAT §1.13 checked against the running server: schemathesis generates requests from
`/openapi.json` for every operation, as an organization's admin with a real instance behind
each `{id}`, and every answer must be no 500 and match the status codes, media types and
schemas the document declares (COMPAT §2.2: 500 never on bad input).

Bounded: a few examples per operation (`EXAMPLES`) until a time limit (`BUDGET_SECONDS`), one
example for each operation left after it, so that every operation is still tried once and the
run stays within about two minutes on a loaded 2-core machine."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import LiveServer

# schemathesis' own strategies draw from `random`, which hypothesis deprecates
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
# A deeper run: SPACEPORT_FUZZ_EXAMPLES=50 SPACEPORT_FUZZ_SECONDS=1800 uv run pytest \
#     tests/test_openapi_conformance.py
EXAMPLES = int(os.environ.get("SPACEPORT_FUZZ_EXAMPLES", "3"))
BUDGET_SECONDS = float(os.environ.get("SPACEPORT_FUZZ_SECONDS", "60"))
# SPACEPORT_FUZZ_MODE=negative sends what the schemas refuse (a 4xx, never a 500, is expected)
MODE = schemathesis.GenerationMode(os.environ.get("SPACEPORT_FUZZ_MODE", "positive"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Operations that would end the run's own access, not the API's behaviour under test: logging
# out ends the launch code, deactivating the organization makes every write a 403.
LEFT_OUT = {"log_out", "deactivate"}
# Reads first, deletes last: a deleted instance would leave the later operations only 404s.
ORDER = {"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}


class Account:
    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)
        email = f"fuzz-{time.time_ns()}@example.com"
        password = "a long enough password"
        account = self.post("/v1/accounts", {"email": email, "password": password}, code=None)
        self.account_id: str = account["id"]
        self.code: str = self.post(
            "/v1/accounts/login", {"email": email, "password": password}, code=None
        )["id"]

    def post(self, path: str, body: dict[str, Any], code: str | None = "") -> Any:
        headers = {"Authorization": self.code} if code == "" else {}
        answer = self.http.post(path, json=body, headers=headers)
        assert answer.status_code == 200, (path, answer.text)
        return answer.json()


def instances(base: str) -> tuple[str, dict[str, str]]:
    """A launch code, and an instance id for each path's `{id}` (by the path's collection)."""
    me = Account(base)
    organization = me.post(
        f"/v1/accounts/{me.account_id}/organizations", {"name": "Fuzz", "country": "Slovenia"}
    )
    org = f"/v1/organizations/{organization['id']}"
    client = me.post(f"{org}/clients", {"name": "Rocket"})
    tax = me.post(f"{org}/taxes", {"name": "VAT", "_taxRates": [{"rate": 22}]})
    item = me.post(f"{org}/items", {"name": "Fuel", "price": 10})
    document = me.post(
        f"{org}/documents",
        {
            "clientId": client["id"],
            "_documentItems": [{"name": "Fuel", "price": 10, "quantity": 2}],
        },
    )
    pricelist = me.post(f"{org}/pricelists", {"name": "Retail"})
    ids = {
        "organizations": organization["id"],
        "organization": organization["id"],
        "accounts": me.account_id,
        "clients": client["id"],
        "taxes": tax["id"],
        "items": item["id"],
        "documents": document["id"],
        "payments": me.post(f"/v1/documents/{document['id']}/payments", {"type": "cash"})["id"],
        "units": me.post(f"{org}/units", {"name": "Branch"})["id"],
        "categories": me.post(f"{org}/categories", {"name": "Travel", "alias": "travel"})["id"],
        "pricelists": pricelist["id"],
        "prices": me.post(
            f"/v1/pricelists/{pricelist['id']}/prices", {"itemId": item["id"], "price": 9}
        )["id"],
        "orders": me.post(f"{org}/orders", {"currencyId": "EUR"})["id"],
        "defaults": me.post(f"{org}/defaults", {"name": "x_note", "value": "Thanks"})["id"],
        "webhooks": me.post(
            f"{org}/webhooks", {"url": "https://hooks.example.com/in", "events": ["*"]}
        )["id"],
        "recurrences": me.post(
            f"/v1/documents/{document['id']}/recurrences",
            {"name": "Monthly", "type": "month", "dateFirst": "2030-01-01", "numRecurrences": 3},
        )["id"],
        "documentcategories": me.post(
            f"/v1/documents/{document['id']}/documentcategories",
            {
                "categoryId": me.post(f"{org}/categories", {"name": "Fuel", "alias": "fuel"})["id"],
                "amount": 1,
            },
        )["id"],
        # an invitation's access, so that managing it never touches the admin's own
        "accountorganizations": me.post(f"{org}/invite", {"email": "crew@example.com"})["id"],
        "rate_id": tax["_taxRates"][0]["id"],
    }
    return me.code, ids


def path_parameters(path: str, ids: dict[str, str]) -> dict[str, str]:
    parts = path.split("/")
    found: dict[str, str] = {}
    for before, part in zip(parts, parts[1:], strict=False):
        if part.startswith("{") and before in ids:
            found[part[1:-1]] = ids[before]
    if "{rate_id}" in path:
        found["rate_id"] = ids["rate_id"]
    return found


def test_every_operation_answers_as_documented(live_server: LiveServer) -> None:
    code, ids = instances(live_server.url)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/openapi.json")
    found = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in found), found
    operations = sorted(
        (result.ok() for result in found if isinstance(result, Ok)),
        key=lambda op: (ORDER.get(op.method.upper(), 5), op.path),
    )
    session = requests.Session()
    failures: dict[str, str] = {}
    deadline = time.monotonic() + BUDGET_SECONDS
    tried = 0
    for operation in operations:
        if operation.definition.raw.get("operationId") in LEFT_OUT:
            continue
        strategy = operation.as_strategy(
            MODE,
            path_parameters=path_parameters(operation.path, ids),
            headers={"Authorization": code},
        )
        examples = EXAMPLES if time.monotonic() < deadline else 1
        run(strategy, examples, live_server.url, session, failures, operation.label)
        tried += 1
    assert tried == len(operations) - len(LEFT_OUT)
    assert not failures, "\n\n".join(f"{label}: {error}" for label, error in failures.items())


def run(
    strategy: st.SearchStrategy[Any],
    examples: int,
    base: str,
    session: requests.Session,
    failures: dict[str, str],
    label: str,
) -> None:
    """`examples` cases of one operation; the first failure is kept, not shrunk."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(case=strategy)
    def example(case: Any) -> None:
        if label in failures:
            return
        try:
            case.call_and_validate(base_url=base, session=session, checks=CHECKS)
        except BaseExceptionGroup as failure:  # schemathesis' failures
            failures[label] = f"{str(failure)[:3000]}\n{case.as_curl_command(base_url=base)}"

    checked: Callable[[], None] = example
    try:
        checked()
    except BaseExceptionGroup as failure:  # raised by hypothesis around the example
        failures.setdefault(label, str(failure)[:3000])
    except Unsatisfiable:  # negative mode: an operation without inputs has nothing to negate
        assert MODE is schemathesis.GenerationMode.NEGATIVE, label
