"""Categories (COMPAT §7.6): `name` and `alias` required, `alias` unique per organization."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spaceport.categories.models import Category
from spaceport.categories.schemas import CategoryCreate, CategoryUpdate
from spaceport.kit.errors import invalid
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
            raise invalid("alias", f"A category with the alias {alias!r} already exists")
    return values


categories = Resource(
    Category, "category", "categories", CategoryCreate, CategoryUpdate, prepare=prepare
)
