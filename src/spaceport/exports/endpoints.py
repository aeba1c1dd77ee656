"""`GET /v1/organizations/:id/export?type=document|client|item|payment&where=...` (reference
"Exporting data"): an `.xlsx` file, written to a temporary file and streamed from there."""

from __future__ import annotations

import os
from typing import Any

from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from spaceport.access.authorization import Scope, organization_scope
from spaceport.exports import service
from spaceport.kit.db import utcnow
from spaceport.kit.filters import parse_where
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.kit.wire import Query

router = Router(prefix="/v1", tags=["export"])


@router.get(
    "/organizations/{id}/export",
    name="export",
    response_class=FileResponse,
    responses={
        200: {"content": {service.CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
    },
)
def export(session: Db, scope: Scope = organization_scope(), query: dict[str, Any] = Query) -> Any:
    """Readonly accesses may export: it is a read (COMPAT §3.6)."""
    kind = query.get("type")
    path = service.export(session, scope.organization_id, kind, parse_where(query))
    return FileResponse(
        path,
        media_type=service.CONTENT_TYPE,
        filename=service.filename(str(kind), utcnow().date()),
        background=BackgroundTask(os.unlink, path),
    )
