"""Organizations (reference "Organizations"; COMPAT §7.1)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from spaceport.access.authorization import CallerDep, Scope, organization_scope, scoped_read
from spaceport.accounts.service import account_for
from spaceport.defaults.service import defaults
from spaceport.kit.answers import Count, Success, answer_model, many
from spaceport.kit.crud import authorizing, relations_asked
from spaceport.kit.filters import parse_filter, project
from spaceport.kit.json import ApiResponse
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.kit.wire import Query, body_of
from spaceport.organizations import service
from spaceport.organizations.models import Organization
from spaceport.organizations.repository import OrganizationRepository
from spaceport.organizations.schemas import OrganizationCreate, OrganizationUpdate

router = Router(prefix="/v1", tags=["organizations"])
# COMPAT §4.3: an organization's `_defaults` are always included; naming them is no error.
ALWAYS_INCLUDED = frozenset({"_defaults", "defaults"})
OrganizationAnswer = answer_model(Organization, _defaults=many(defaults.answer_type))


@router.post("/accounts/{account_id}/organizations", response_model=OrganizationAnswer)
def create_organization(
    session: Db,
    caller: CallerDep,
    account_id: str,
    data: OrganizationCreate = body_of(OrganizationCreate),
) -> Any:
    owner = account_for(session, caller, account_id)
    return ApiResponse(service.answer(session, service.create(session, owner, data)))


@router.get("/accounts/{account_id}/organizations", response_model=many(OrganizationAnswer))
def list_organizations(
    session: Db, caller: CallerDep, account_id: str, query: dict[str, Any] = Query
) -> Any:
    account = account_for(session, caller, account_id)
    flt = parse_filter(query)
    relations_asked(flt.include, ALWAYS_INCLUDED, "Organization")
    rows = OrganizationRepository(session).of_member(account.id, flt)
    return ApiResponse([project(a, flt.fields) for a in service.answers(session, rows)])


@router.get("/accounts/{account_id}/organizations/count", response_model=Count)
def count_organizations(
    session: Db, caller: CallerDep, account_id: str, query: dict[str, Any] = Query
) -> Any:
    account = account_for(session, caller, account_id)
    count = OrganizationRepository(session).count_of_member(account.id, query)
    return ApiResponse({"count": count})


@router.get("/organizations/{id}", response_model=OrganizationAnswer)
@authorizing
async def get_organization(request: Request) -> Any:
    """One phase, as the resources' GET (issue 13)."""

    def answered(session: Session, scope: Scope) -> ApiResponse:
        return ApiResponse(service.answer(session, scope.organization))

    return await scoped_read(request, None, answered)


@router.patch("/organizations/{id}", response_model=OrganizationAnswer)
@router.put("/organizations/{id}", response_model=OrganizationAnswer)
def update_organization(
    session: Db,
    scope: Scope = organization_scope(),
    data: OrganizationUpdate = body_of(OrganizationUpdate),
) -> Any:
    return ApiResponse(service.answer(session, service.update(session, scope.organization, data)))


@router.post("/organizations/{id}/deactivate", response_model=Success)
def deactivate(session: Db, scope: Scope = organization_scope(admin_only=True)) -> Any:
    service.set_active(session, scope.organization, False)
    return ApiResponse({"success": True})


@router.post("/organizations/{id}/activate", response_model=Success)
def activate(
    session: Db, scope: Scope = organization_scope(admin_only=True, while_inactive=True)
) -> Any:
    service.set_active(session, scope.organization, True)
    return ApiResponse({"success": True})
