"""Webhooks (reference "Webhooks"; COMPAT §8.2, COMPAT §1.10, COMPAT §5.1): the shared CRUD routes,
with create and update checking the target and create answering the secret once, and the
deliveries: `GET /webhooks/:id/deliveries`, `POST /webhooks/:id/deliveries/:uid/redeliver`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from spaceport.access.authorization import Scope, organization_scope
from spaceport.config import SettingsDep
from spaceport.kit.answers import Success, answer_model, many
from spaceport.kit.json import ApiResponse
from spaceport.kit.transaction import Db
from spaceport.kit.wire import body_of
from spaceport.webhooks import service
from spaceport.webhooks.models import Webhook
from spaceport.webhooks.schemas import Delivery, WebhookCreate, WebhookUpdate
from spaceport.webhooks.service import webhooks


def build_router() -> APIRouter:
    # create and update are the webhook's own: they check the target and seal the secret
    router = webhooks.router(only=("find", "count", "get", "delete"))
    in_organization = organization_scope()
    by_id = organization_scope(via=Webhook)

    created = answer_model(Webhook, "CreatedWebhook", secret=str)

    @router.post("/organizations/{id}/webhooks", name="create_webhook", response_model=created)
    def create(
        session: Db,
        settings: SettingsDep,
        scope: Scope = in_organization,
        data: Any = body_of(WebhookCreate),
    ) -> Any:
        values = data.given_with_defaults()
        webhook, secret = service.create(session, settings, scope.organization_id, values)
        return ApiResponse({**webhooks.serialize(webhook), "secret": secret})

    @router.patch("/webhooks/{id}", name="patch_webhook", response_model=webhooks.answer_type)
    @router.put("/webhooks/{id}", name="put_webhook", response_model=webhooks.answer_type)
    def update(
        session: Db,
        settings: SettingsDep,
        scope: Scope = by_id,
        data: Any = body_of(WebhookUpdate),
    ) -> Any:
        webhook = service.update(session, settings, webhooks.live(scope.instance), data.given())
        return ApiResponse(webhooks.serialize(webhook))

    @router.get(
        "/webhooks/{id}/deliveries", name="list_webhook_deliveries", response_model=many(Delivery)
    )
    def deliveries(session: Db, scope: Scope = by_id) -> Any:
        return ApiResponse(service.deliveries_of(session, webhooks.live(scope.instance)))

    @router.post(
        "/webhooks/{id}/deliveries/{uid}/redeliver",
        name="redeliver_webhook_event",
        response_model=Success,
    )
    def redeliver(session: Db, uid: str, scope: Scope = by_id) -> Any:
        service.redeliver(session, webhooks.live(scope.instance), uid)
        return ApiResponse({"success": True})

    return router


router = build_router()
