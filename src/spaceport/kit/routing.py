"""The router every domain declares its routes on.

FastAPI finds a request's route by asking each included router in turn, and each router asks
each of its routes, with bookkeeping around every route it tries: with some 250 routes a
request spent more time being routed than being answered (issue 13). A `Router` first checks
the path against one regex made of all its routes' patterns, and tells FastAPI "none of mine"
at once when none of them matches; otherwise FastAPI matches as it always does, so which route
answers (the first that matches, a 405 for a path whose methods differ) is unchanged."""

from __future__ import annotations

import re

from fastapi import APIRouter
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def paths_of(routes: list[BaseRoute]) -> re.Pattern[str] | None:
    """One regex matching exactly the paths some route of `routes` matches; None when one is
    not a plain route (a mount, an included router), matched in ways of its own."""
    patterns = []
    for route in routes:
        if not isinstance(route, Route):
            return None
        # a route matches a path by its pattern alone (its methods decide FULL or PARTIAL);
        # the same pattern without its group names, which may repeat across routes
        patterns.append(f"(?:{NAMED_GROUP.sub('(?:', route.path_regex.pattern)})")
    return re.compile("|".join(patterns) or "(?!)")


class Router(APIRouter):
    _paths: tuple[int, re.Pattern[str] | None] | None = None  # for how many routes

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http":
            paths = self._paths_now()
            if paths is not None and paths.match(get_route_path(scope)) is None:
                return Match.NONE, {}
        return super().matches(scope)

    def _paths_now(self) -> re.Pattern[str] | None:
        if self._paths is None or self._paths[0] != len(self.routes):  # routes were added
            self._paths = (len(self.routes), paths_of(self.routes))
        return self._paths[1]
