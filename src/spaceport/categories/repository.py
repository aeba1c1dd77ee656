"""Every query of categories: by alias (unique among the organization's live categories)."""

from __future__ import annotations

from spaceport.categories.models import Category
from spaceport.kit.repository import Repository


class CategoryRepository(Repository[Category]):
    model = Category

    def by_alias(self, organization_id: str, alias: str) -> Category | None:
        return self.first(self.live_in(organization_id).where(Category.alias == alias))
