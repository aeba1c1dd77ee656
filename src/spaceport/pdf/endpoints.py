"""Organization images (reference "Upload Logo or Signature image"; COMPAT §1.11 for the
aliases). A document's PDF is a route of documents, which gathers what it shows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi import Query as QueryParam
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from spaceport.access.authorization import Scope, organization_scope
from spaceport.kit.errors import NotFound, invalid
from spaceport.kit.json import ApiResponse
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.kit.wire import read_body
from spaceport.pdf import images

router = Router(prefix="/v1", tags=["pdf"])
in_organization = organization_scope()

ImageType = Annotated[str | None, QueryParam(alias="type")]


# -- images -------------------------------------------------------------------------------------


async def uploaded(request: Request) -> bytes:
    """The multipart `file` (the reference's property is named `image`; either works)."""
    body = await read_body(request)
    upload = body.get("file") or body.get("image")
    if not isinstance(upload, UploadFile):
        upload = next((v for v in body.values() if isinstance(v, UploadFile)), None)
    if upload is None:
        raise invalid("file", "is required (multipart/form-data)")
    content = await upload.read(images.MAX_BYTES + 1)
    return bytes(content)


Upload = Annotated[bytes, Depends(uploaded)]


# COMPAT §1.13: the body `uploaded` reads, for the OpenAPI document.
UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@router.post("/organizations/{id}/images", response_model=bool, openapi_extra=UPLOAD)
@router.post("/organizations/{id}/upload-image", response_model=bool, openapi_extra=UPLOAD)
def upload_image(
    session: Db, content: Upload, kind: ImageType = None, scope: Scope = in_organization
) -> Any:
    images.save(session, scope.organization_id, images.image_type(kind), content)
    return ApiResponse(True)


IMAGE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}}
}


@router.get("/organizations/{id}/images", response_class=Response, responses=IMAGE)
@router.get("/organizations/{id}/download-image", response_class=Response, responses=IMAGE)
def download_image(session: Db, kind: ImageType = None, scope: Scope = in_organization) -> Any:
    image = images.find(session, scope.organization_id, images.image_type(kind))
    if image is None:
        raise NotFound(f"The organization has no {kind} image")
    # An SVG is never run as a page of this origin.
    headers = {"Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff"}
    return Response(image.content, media_type=image.content_type, headers=headers)


@router.delete("/organizations/{id}/images", response_model=bool)
@router.delete("/organizations/{id}/delete-image", response_model=bool)
def delete_image(session: Db, kind: ImageType = None, scope: Scope = in_organization) -> Any:
    images.remove(session, scope.organization_id, images.image_type(kind))
    return ApiResponse(True)
