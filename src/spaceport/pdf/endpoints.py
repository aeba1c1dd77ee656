"""Document PDFs and organization images (reference "Retrieve a Document PDF", "Upload Logo or
Signature image"; COMPAT §1.11 for the image aliases)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Query as QueryParam
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from spaceport.access.authorization import Scope, authorize, current_caller, organization_scope
from spaceport.documents.models import Document
from spaceport.kit.db import Database
from spaceport.kit.errors import NotFound, invalid
from spaceport.kit.json import ApiResponse
from spaceport.kit.transaction import Db
from spaceport.kit.wire import read_body
from spaceport.pdf import images
from spaceport.pdf import service as pdf
from spaceport.pdf.labels import LANGUAGES
from spaceport.pdf.render import Source, cached_render

router = APIRouter(prefix="/v1", tags=["pdf"])
in_organization = organization_scope()

Language = Annotated[str | None, QueryParam(alias="l")]
ImageType = Annotated[str | None, QueryParam(alias="type")]


# -- PDF ----------------------------------------------------------------------------------------


def source_of(
    session: Session, request: Request, document_id: str, requested: str | None
) -> Source:
    caller = current_caller(request, session)
    document = session.get(Document, document_id)
    if document is None or document.is_deleted:
        raise NotFound(f"Unknown document id {document_id!r}")
    organization, _access = authorize(session, caller, document.organization_id, "GET")
    return pdf.document_source(session, document, organization, requested)


def render_pdf(database: Database, request: Request, document_id: str, lang: str | None) -> bytes:
    # DESIGN: slow work never runs while a transaction is open; the read ends before rendering.
    with database.transaction(write=False) as session:
        source = source_of(session, request, document_id, lang)
    return cached_render(source)


@router.get("/documents/{id}/pdf", response_class=Response)
async def document_pdf(request: Request, id: str, lang: Language = None) -> Response:
    """Reference: "Supported language flags en, sl, de, it, es, fr, cz. Defaults to
    Organization's locale"; `access_token` in the query works (COMPAT §3.1)."""
    lang = lang.lower() if lang else None
    if lang is not None and lang not in LANGUAGES:
        raise invalid("l", f"must be one of {', '.join(LANGUAGES)}")
    database: Database = request.app.state.database
    pdf = await run_in_threadpool(render_pdf, database, request, id, lang)
    headers = {"Content-Disposition": f'inline; filename="{id}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


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


@router.post("/organizations/{id}/images")
@router.post("/organizations/{id}/upload-image")
def upload_image(
    session: Db, content: Upload, kind: ImageType = None, scope: Scope = in_organization
) -> Any:
    images.save(session, scope.organization_id, images.image_type(kind), content)
    return ApiResponse(True)


@router.get("/organizations/{id}/images", response_class=Response)
@router.get("/organizations/{id}/download-image", response_class=Response)
def download_image(session: Db, kind: ImageType = None, scope: Scope = in_organization) -> Any:
    image = images.find(session, scope.organization_id, images.image_type(kind))
    if image is None:
        raise NotFound(f"The organization has no {kind} image")
    # An SVG is never run as a page of this origin.
    headers = {"Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff"}
    return Response(image.content, media_type=image.content_type, headers=headers)


@router.delete("/organizations/{id}/images")
@router.delete("/organizations/{id}/delete-image")
def delete_image(session: Db, kind: ImageType = None, scope: Scope = in_organization) -> Any:
    images.remove(session, scope.organization_id, images.image_type(kind))
    return ApiResponse(True)
