"""Team (WEB §W7.3, admins only): the organization's accesses, and Invite, which invites as
`POST /v1/organizations/:id/invite` does (the access service) and sends the API's invitation
email once the invitation is committed."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Annotated, Final

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session

from spaceport.access import service as access
from spaceport.access.models import Access
from spaceport.access.schemas import Invite
from spaceport.accounts import mails
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db, after_commit
from spaceport.kit.wire import validate
from spaceport.web.forms import messages_of
from spaceport.web.guard import AdminPlaceDep, FormDep, Place, settings_of, writing_place
from spaceport.web.pages import ROLE_NAMES, PageRoute, page_of, render, see_other
from spaceport.web.repository import TeamRepository

router = Router(route_class=PageRoute, include_in_schema=False)
ROLES: Final = tuple(ROLE_NAMES.items())  # WEB §W9: Admin, Member, Read only


def inviting_place(place: AdminPlaceDep) -> Place:
    """An admin, in an organization that is not deactivated (WEB §W2.5), before the form."""
    return writing_place(place)


InvitingPlaceDep = Annotated[Place, Depends(inviting_place)]


def status_of(found: Access) -> str:
    """WEB §W9: Active · Invited · Disabled."""
    if found.disabled:
        return "Disabled"
    return "Active" if found.active else "Invited"


def show_team(
    request: Request,
    session: Session,
    organization_id: str,
    values: Mapping[str, str],
    errors: Mapping[str, list[str]],
    status: int = 200,
) -> Response:
    members = [
        (email, ROLE_NAMES.get(found.role, found.role), status_of(found))
        for found, email in TeamRepository(session).members(organization_id)
    ]
    return render(
        request,
        "team.html",
        status=status,
        members=members,
        roles=ROLES,
        values=values,
        errors=errors,
    )


@router.get("/app/o/{organization_id}/settings/team")
def team_page(request: Request, session: Db, place: AdminPlaceDep) -> Response:
    return show_team(request, session, place.organization.id, {"role": "default"}, {})


@router.post("/app/o/{organization_id}/settings/team")
def invite(request: Request, session: Db, place: InvitingPlaceDep, form: FormDep) -> Response:
    """An invitation by email that the invited confirms (the API's defaults)."""
    organization = place.organization
    typed = {"email": str(form.get("email") or "").strip(), "role": str(form.get("role") or "")}
    try:
        data = validate(Invite, {**typed, "email": typed["email"] or None})
        if data.email is None:
            raise ValidationFailed({"email": ["can't be blank"]})
        invited, code = access.invite(session, organization.id, data)
    except ValidationFailed as failed:
        return show_team(request, session, organization.id, typed, messages_of(failed), 422)
    if invited.email:
        send = partial(
            mails.send_invitation,
            settings_of(request),
            invited.email,
            organization.name,
            invited.id,
            code,
        )
        after_commit(session, send)
    return see_other(f"{page_of(request).base}/settings/team", notice="Invitation sent.")
