"""Categories (COMPAT §7.6): `name` and `alias` required, `alias` unique per organization."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from spaceport.categories.errors import AliasTaken
from spaceport.categories.models import Category, DocumentCategory
from spaceport.categories.repository import CategoryRepository
from spaceport.categories.schemas import (
    CategoryCreate,
    CategoryUpdate,
    DocumentCategoryCreate,
    DocumentCategoryUpdate,
)
from spaceport.documents.models import Document
from spaceport.kit.errors import invalid
from spaceport.kit.repository import repository_of
from spaceport.resources import Resource, Values


def find_by_alias(session: Session, organization_id: str, alias: str) -> Category | None:
    """The organization's live category with this alias (a document's `categoryAlias`)."""
    return CategoryRepository(session).by_alias(organization_id, alias)


def prepare(session: Session, organization_id: str, values: Values, category: Any) -> Values:
    alias = values.get("alias")
    if alias is not None and (category is None or alias != category.alias):
        if find_by_alias(session, organization_id, alias) is not None:
            raise AliasTaken(alias)
    return values


categories = Resource(
    Category,
    "category",
    "categories",
    CategoryCreate,
    CategoryUpdate,
    prepare=prepare,
    repository=CategoryRepository,
)


def category_for(session: Session, organization_id: str, values: Values) -> Category:
    """`categoryId`, or `categoryAlias`, naming a live category of the organization."""
    category: Category | None = None
    if values.get("category_id"):
        category = CategoryRepository(session).get_in(organization_id, values["category_id"])
    elif values.get("category_alias"):
        category = find_by_alias(session, organization_id, values["category_alias"])
    else:
        raise invalid("categoryId", "categoryId or categoryAlias is required")
    if category is None:
        raise invalid("categoryId", "No such category in this organization")
    return category


# -- a document's bookings (COMPAT §7.6 DocumentCategory) ------------------------------------
def prepare_booking(
    session: Session, organization_id: str, values: Values, booking: DocumentCategory | None
) -> Values:
    """A booking names its category by id or alias; its amount is the document's total unless
    given. On update, only what is given (and not null) changes."""
    if booking is None:
        document = repository_of(Document)(session).get(values["document_id"])
        amount = values.get("amount")
        return {
            "document_id": values["document_id"],
            "category_id": category_for(session, organization_id, values).id,
            "amount": document.total if amount is None and document else amount,
            "custom": values.get("custom") or {},
        }
    changes: Values = {}
    if values.keys() & {"category_id", "category_alias"}:
        changes["category_id"] = category_for(session, organization_id, values).id
    changes.update({k: values[k] for k in ("amount", "custom") if values.get(k) is not None})
    return changes


bookings: Resource[DocumentCategory] = Resource(
    DocumentCategory,
    "documentCategory",
    "documentcategories",
    DocumentCategoryCreate,
    DocumentCategoryUpdate,
    prepare=prepare_booking,
)
