"""Webhooks (WEB §W6.2, COMPAT §8.2): the list (URL, Events, Enabled) and a webhook's page
with its last 50 delivery attempts, newest first (Result Delivered for a 2xx answer, else
Failed); Redeliver queues the event again as `POST /v1/webhooks/:id/deliveries/:uid/redeliver`
does."""

from __future__ import annotations

from typing import Final

from fastapi import Request, Response
from sqlalchemy.orm import Session

from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.organizations.models import Organization
from spaceport.web import formats
from spaceport.web.guard import FormDep, PlaceDep, WritingPlaceDep
from spaceport.web.pages import PageNotFound, PageRoute, render, see_other
from spaceport.web.paging import paged
from spaceport.web.repository import CatalogRepository
from spaceport.webhooks import service
from spaceport.webhooks.models import Webhook
from spaceport.webhooks.repository import WebhookRepository

router = Router(route_class=PageRoute, include_in_schema=False)
DELIVERIES: Final = 50  # WEB §W6.2: the last 50 attempts


def webhook_in(session: Session, organization: Organization, webhook_id: str) -> Webhook:
    webhook = WebhookRepository(session).get_in(organization.id, webhook_id)
    if webhook is None:
        raise PageNotFound()
    return webhook


def result_of(status_code: int | None) -> str:
    return "Delivered" if status_code is not None and 200 <= status_code < 300 else "Failed"


@router.get("/app/o/{organization_id}/webhooks")
def list_webhooks(request: Request, session: Db, place: PlaceDep) -> Response:
    listing = CatalogRepository(session)
    pages, found = paged(request, listing, listing.webhooks(place.organization.id))
    return render(request, "webhooks.html", webhooks=found, pager=pages)


@router.get("/app/o/{organization_id}/webhooks/{webhook_id}")
def show_webhook(request: Request, session: Db, place: PlaceDep, webhook_id: str) -> Response:
    organization = place.organization
    webhook = webhook_in(session, organization, webhook_id)
    attempts = [
        (
            delivery,
            formats.moment(delivery.created_at, organization.locale, organization.timezone),
            event,
            result_of(delivery.status_code),
        )
        for delivery, event in CatalogRepository(session).deliveries(webhook.id, DELIVERIES)
    ]
    return render(request, "webhook.html", webhook=webhook, attempts=attempts)


@router.post("/app/o/{organization_id}/webhooks/{webhook_id}/deliveries/{uid}/redeliver")
def redeliver(
    request: Request, session: Db, place: WritingPlaceDep, form: FormDep, webhook_id: str, uid: str
) -> Response:
    """The webhooks service's redeliver (an unknown event is the 404 page; a disabled webhook
    the service's 422)."""
    webhook = webhook_in(session, place.organization, webhook_id)
    service.redeliver(session, webhook, uid)
    location = f"/app/o/{place.organization.id}/webhooks/{webhook.id}"
    return see_other(location, notice="Redelivery queued.")
