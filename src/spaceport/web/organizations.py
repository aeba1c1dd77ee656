"""The organizations of the signed-in account and its invitations (WEB §W3.1)."""

from __future__ import annotations

from fastapi import Request, Response

from spaceport.access import service as access
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.web.guard import FormDep, VisitorDep
from spaceport.web.pages import ROLE_NAMES, PageRoute, render, see_other
from spaceport.web.repository import MembershipRepository

router = Router(route_class=PageRoute, include_in_schema=False)


@router.get("/app")
def show_organizations(request: Request, session: Db, visitor: VisitorDep) -> Response:
    repository = MembershipRepository(session)
    return render(
        request,
        "organizations.html",
        memberships=repository.memberships(visitor.account.id),
        invitations=repository.invitations(visitor.account),
        roles=ROLE_NAMES,
    )


@router.post("/app/invitations/{access_id}/accept")
def accept(session: Db, visitor: VisitorDep, _form: FormDep, access_id: str) -> Response:
    """With the access service, as `POST /v1/accountorganizations/:id/accept`."""
    access.answer_invitation(session, visitor.account, access_id, "", accept=True)
    return see_other("/app/")


@router.post("/app/invitations/{access_id}/reject")
def reject(session: Db, visitor: VisitorDep, _form: FormDep, access_id: str) -> Response:
    access.answer_invitation(session, visitor.account, access_id, "", accept=False)
    return see_other("/app/")
