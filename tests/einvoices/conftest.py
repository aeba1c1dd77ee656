"""What the e-invoice tests share: the validation artefacts, loaded once per test session
(EINV §E7), the issuing organization, and the document of every type and tax case that each
syntax's suite validates (EINV §E2.1, EINV §E3.8)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.einvoices.parties")

from tests.conftest import Api  # noqa: E402
from tests.einvoices import parties  # noqa: E402
from tests.einvoices.artefacts import Artefacts  # noqa: E402


@pytest.fixture(scope="session")
def artefacts() -> Artefacts:
    return Artefacts()


@pytest.fixture
def issuer(api: Api) -> dict[str, Any]:
    """The organization that issues (parties.SELLER)."""
    return parties.issuer(api)


Typed = Callable[[str, str], dict[str, Any]]


@pytest.fixture
def typed_document(api: Api, issuer: dict[str, Any]) -> Typed:
    """A document of `kind` whose three lines (a percent discount, a unit, a SKU) all carry
    the tax case `tax` (parties.TAXES)."""

    def made(kind: str, tax: str) -> dict[str, Any]:
        return parties.create(
            api,
            issuer["id"],
            type=kind,
            _documentItems=[
                parties.line(tax=tax),
                parties.line("Fuel", quantity="3.5", price="19.9999", tax=tax, unit="kg"),
                parties.line("Docking", 1, "300", tax=tax, discount=10, SKU="DOCK-1"),
            ],
        )

    return made
