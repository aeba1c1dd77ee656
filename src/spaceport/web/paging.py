"""Lists 50 a page (WEB §W4.1, WEB §W5.1): `?page=N`, Previous and Next where such a page
exists, "Page N of M". The other query parameters (a search) stay in the links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy import Select

from spaceport.web.repository import CatalogRepository

PAGE_SIZE: Final = 50
T = TypeVar("T")


@dataclass(frozen=True)
class Pager:
    number: int  # 1-based, within 1..count
    count: int  # pages; 1 for an empty list
    path: str
    query: dict[str, str]

    @property
    def offset(self) -> int:
        return (self.number - 1) * PAGE_SIZE

    @property
    def limit(self) -> int:
        return PAGE_SIZE

    def url(self, number: int) -> str:
        return f"{self.path}?{urlencode({**self.query, 'page': str(number)})}"

    @property
    def previous(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None


def pager(request: Request, total: int) -> Pager:
    """The page `?page=` asks for among `total` rows; a number out of range (or none) is the
    nearest page there is."""
    count = max(1, -(-total // PAGE_SIZE))
    asked = request.query_params.get("page", "1")
    number = int(asked) if asked.isdigit() else 1
    query = {k: v for k, v in request.query_params.items() if k not in ("page", "lang")}
    return Pager(min(max(number, 1), count), count, request.url.path, query)


def paged(request: Request, listing: CatalogRepository, stmt: Select[T]) -> tuple[Pager, list[T]]:
    """WEB §W5: the page `?page=` asks for of `stmt`'s rows, and those rows."""
    pages = pager(request, listing.count(stmt))
    return pages, listing.window(stmt, pages.offset, pages.limit)
