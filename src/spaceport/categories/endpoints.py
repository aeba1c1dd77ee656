"""Categories (COMPAT §7.6, COMPAT §1.10, COMPAT §5.1, COMPAT §8.1) and the categories a document is
booked to: `POST|GET /v1/documents/:id/documentCategories` and `/v1/documentCategories/:id`."""

from __future__ import annotations

from spaceport.categories.service import bookings, categories
from spaceport.documents.models import Document

router = categories.router()
router.routes.extend(bookings.router(only=("get", "update", "delete")).routes)
router.routes.extend(
    bookings.children(
        Document,
        parent_collection="documents",
        key="document_id",
        paths=("documentcategories",),
        only=("create", "find"),
    ).routes
)
