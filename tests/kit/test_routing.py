"""The router every domain declares its routes on: its shortcut for foreign paths changes
nothing about which route answers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount

from spaceport.kit.routing import Router, paths_of


def test_paths_of_matches_exactly_the_paths_of_its_routes() -> None:
    router = Router(prefix="/v1")
    router.add_api_route("/things/count", lambda: 1)
    router.add_api_route("/things/{thing_id}", lambda thing_id: thing_id)
    router.add_api_route("/things/{thing_id}/parts/{part_id}", lambda thing_id, part_id: 1)
    paths = paths_of(router.routes)
    assert paths is not None
    for path in ("/v1/things/count", "/v1/things/abc", "/v1/things/a/parts/b"):
        assert paths.match(path)
    for path in ("/v1/things", "/v1/things/a/b", "/v1/things/a/parts", "/v2/things/a", "/"):
        assert not paths.match(path)
    assert paths_of([]) is not None and not paths_of([]).match("/")  # type: ignore[union-attr]
    # a route without a pattern of its own may answer anything: no shortcut
    assert paths_of([*router.routes, Mount("/static", routes=[])]) is None


def test_the_first_matching_route_answers_and_a_wrong_method_is_a_405() -> None:
    first, second = Router(), Router()

    @first.get("/v1/things/count")
    def count() -> str:
        return "count"

    @second.get("/v1/things/{thing_id}")
    def get(thing_id: str) -> str:
        return f"get {thing_id}"

    @second.delete("/v1/gadgets/{gadget_id}")
    def delete(gadget_id: str) -> str:
        return "deleted"

    app = FastAPI()
    app.include_router(first)
    app.include_router(second)

    @second.get("/v1/late")  # added after inclusion: the shortcut sees it too
    def late() -> str:
        return "late"

    with TestClient(app) as client:
        assert client.get("/v1/things/count").json() == "count"
        assert client.get("/v1/things/abc").json() == "get abc"
        assert client.get("/v1/gadgets/abc").status_code == 405
        assert client.get("/v1/late").json() == "late"
        assert client.get("/v1/nothing").status_code == 404
