"""The inbound hook (FLOWS §F4.3): `POST /v1/hooks/flows/<flowId>/<secret>` starts a run of a
flow with a webhook trigger, without a launch code. Its body (JSON or `qs` form, at most
1 MiB) becomes `trigger.data`; `Idempotency-Key` starts one run per key (FLOWS §F8.1,
COMPAT §6.11): a repeat answers the same `runId`."""

from __future__ import annotations

import hmac
from typing import Any, Final

from cryptography.fernet import InvalidToken
from fastapi import BackgroundTasks, Request
from sqlalchemy.orm import Session

from spaceport.access.errors import OrganizationDeactivated
from spaceport.config import SettingsDep
from spaceport.flows import runs
from spaceport.flows.errors import FlowDisabled, UnknownHook
from spaceport.flows.models import Flow
from spaceport.flows.schemas import RunStarted
from spaceport.kit import sealing
from spaceport.kit.bounds import PayloadTooLarge
from spaceport.kit.json import ApiResponse
from spaceport.kit.repository import is_live
from spaceport.kit.routing import Router
from spaceport.kit.transaction import write_phase
from spaceport.kit.wire import read_body
from spaceport.organizations.models import Organization

MAX_BYTES: Final = 1024 * 1024
router = Router(prefix="/v1", tags=["flows"])


class HookTooLarge(PayloadTooLarge):
    def __init__(self) -> None:
        super().__init__()
        self.message = f"The request body is larger than {MAX_BYTES} bytes"


def secret_matches(flow: Flow, secret: str, secret_key: str) -> bool:
    if flow.hook_secret is None:
        return False
    try:
        expected = sealing.unseal(flow.hook_secret, secret_key)
    except InvalidToken:
        return False
    return hmac.compare_digest(expected.encode(), secret.encode())


@router.post(
    "/hooks/flows/{flow_id}/{secret}", name="flow_hook", status_code=202, response_model=RunStarted
)
async def hook(
    request: Request,
    background: BackgroundTasks,
    settings: SettingsDep,
    flow_id: str,
    secret: str,
) -> Any:
    if len(await request.body()) > MAX_BYTES:
        raise HookTooLarge()
    data = await read_body(request)
    idempotency_key = request.headers.get("idempotency-key")

    def start(session: Session) -> str:
        flow = session.get(Flow, flow_id)
        if flow is None or not is_live(flow) or flow.trigger_type != "webhook":
            raise UnknownHook()
        if not secret_matches(flow, secret, settings.secret_key):
            raise UnknownHook()
        if not flow.enabled:
            raise FlowDisabled()
        organization = session.get(Organization, flow.organization_id)
        if organization is None or not organization.active:  # FLOWS §F3.4
            raise OrganizationDeactivated()
        key = f"hook:{idempotency_key[:190]}" if idempotency_key else None
        trigger = runs.fired("webhook", flow.organization_id, data)
        return runs.start_once(session, flow, trigger, key).id

    run_id = await write_phase(request, background, start)
    return ApiResponse({"runId": run_id}, status_code=202)
