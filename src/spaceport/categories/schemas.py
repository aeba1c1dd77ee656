from __future__ import annotations

from typing import Any

from pydantic import Field

from spaceport.kit.schemas import Amount, ApiModel, Custom


class CategoryCreate(ApiModel):
    name: str = Field(min_length=1)
    alias: str = Field(min_length=1, max_length=255)  # indexed
    description: str | None = None
    custom: Custom


class CategoryUpdate(ApiModel):
    name: str | None = Field(default=None, min_length=1)
    alias: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = None
    custom: dict[str, Any] | None = None


class DocumentCategoryCreate(ApiModel):
    category_id: str | None = None
    category_alias: str | None = None
    amount: Amount | None = None  # the document's total when absent
    custom: dict[str, Any] | None = None


class DocumentCategoryUpdate(ApiModel):
    category_id: str | None = None
    category_alias: str | None = None
    amount: Amount | None = None
    custom: dict[str, Any] | None = None
