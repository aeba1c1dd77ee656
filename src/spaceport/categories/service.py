"""Categories (COMPAT §7.6): `name` and `alias` required, `alias` unique per organization."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceport.categories.errors import AliasTaken
from spaceport.categories.models import Category, DocumentCategory
from spaceport.categories.schemas import CategoryCreate, CategoryUpdate
from spaceport.documents.models import Document
from spaceport.events import service as events
from spaceport.kit.errors import invalid
from spaceport.kit.serialize import to_api
from spaceport.resources import Resource, Values


def find_by_alias(session: Session, organization_id: str, alias: str) -> Category | None:
    """The organization's live category with this alias (a document's `categoryAlias`)."""
    stmt = select(Category).where(
        Category.organization_id == organization_id,
        Category.alias == alias,
        Category.is_deleted.is_(False),
    )
    return session.scalars(stmt).first()


def prepare(session: Session, organization_id: str, values: Values, category: Any) -> Values:
    for required in ("name", "alias"):
        if required in values and values[required] is None:
            raise invalid(required, "can't be blank")
    if values.get("custom", {}) is None:
        del values["custom"]
    alias = values.get("alias")
    if alias is not None and (category is None or alias != category.alias):
        if find_by_alias(session, organization_id, alias) is not None:
            raise AliasTaken(alias)
    return values


categories = Resource(
    Category, "category", "categories", CategoryCreate, CategoryUpdate, prepare=prepare
)


def category_for(session: Session, organization_id: str, values: Values) -> Category:
    """`categoryId`, or `categoryAlias`, naming a live category of the organization."""
    category: Category | None = None
    if values.get("category_id"):
        category = session.get(Category, values["category_id"])
        if category is not None and (
            category.organization_id != organization_id or category.is_deleted
        ):
            category = None
    elif values.get("category_alias"):
        category = find_by_alias(session, organization_id, values["category_alias"])
    else:
        raise invalid("categoryId", "categoryId or categoryAlias is required")
    if category is None:
        raise invalid("categoryId", "No such category in this organization")
    return category


def book(session: Session, document: Document, values: Values) -> DocumentCategory:
    category = category_for(session, document.organization_id, values)
    amount = values.get("amount")
    booking = DocumentCategory(
        organization_id=document.organization_id,
        document_id=document.id,
        category_id=category.id,
        amount=document.total if amount is None else amount,
        custom=values.get("custom") or {},
    )
    session.add(booking)
    session.flush()
    events.record(session, "documentCategory", "create", booking.organization_id, to_api(booking))
    return booking


def rebook(session: Session, booking: DocumentCategory, values: Values) -> DocumentCategory:
    if values.keys() & {"category_id", "category_alias"}:
        booking.category_id = category_for(session, booking.organization_id, values).id
    if values.get("amount") is not None:
        booking.amount = values["amount"]
    if values.get("custom") is not None:
        booking.custom = values["custom"]
    session.flush()
    events.record(session, "documentCategory", "update", booking.organization_id, to_api(booking))
    return booking


def unbook(session: Session, booking: DocumentCategory) -> None:
    events.record(session, "documentCategory", "delete", booking.organization_id, to_api(booking))
    session.delete(booking)
    session.flush()
