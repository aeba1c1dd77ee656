"""Taxes (reference "Taxes"; COMPAT §7.4, COMPAT §1.10 relation routes)."""

from __future__ import annotations

from typing import Any

from spaceport.access.authorization import Scope, organization_scope
from spaceport.kit.answers import Count
from spaceport.kit.json import ApiResponse
from spaceport.kit.transaction import Db
from spaceport.kit.wire import body_of
from spaceport.taxes import service
from spaceport.taxes.models import Tax
from spaceport.taxes.schemas import TaxRate, TaxRateIn
from spaceport.taxes.service import taxes

router = taxes.router()
by_tax = organization_scope(via=Tax)


# COMPAT §1.1: the middleware lowercases fixed path words, so `taxRates` is declared `taxrates`.
@router.post("/taxes/{id}/taxrates", name="add_tax_rate", response_model=TaxRate)
def add_rate(session: Db, scope: Scope = by_tax, data: Any = body_of(TaxRateIn)) -> Any:
    return ApiResponse(service.add_rate(session, taxes.live(scope.instance), data))


@router.delete("/taxes/{id}/taxrates/{rate_id}", name="delete_tax_rate", response_model=Count)
def delete_rate(rate_id: str, session: Db, scope: Scope = by_tax) -> Any:
    service.delete_rate(session, taxes.live(scope.instance), rate_id)
    return ApiResponse({"count": 1})
