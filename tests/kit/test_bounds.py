"""The bad-input suite (COMPAT §2.2: 500 never on bad input; the bounds of kit/bounds.py): every
write route gets deep nesting, huge and non-finite numbers, far dates, NUL, lone surrogates,
invalid UTF-8, integers beyond 64 bits and oversized bodies, and answers a 4xx in the LoopBack
envelope that names the property, with nothing written (every table's row count unchanged)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, union_all

from spaceport.kit import bounds
from spaceport.kit.db import Base, Database
from tests.conftest import Api

TAXED_LINE = {"name": "Space suit", "quantity": 2, "price": 1000, "discount": 5}
LINE = {**TAXED_LINE, "_documentItemTaxes": [{"rate": 21}]}
DOCUMENT = {"_documentClient": {"name": "Rocket Man"}, "_documentItems": [LINE]}
HUGE_NUMBERS = ("9.3e14", "1e308", "-1e308", "1" + "0" * 30, "1e400", "NaN", "-Infinity")
FAR_DATES = ("9999-12-31", "0001-01-01", "9999-12-31T23:59:59.000Z")
HUGE_INTEGERS = (str(2**64), "1" + "0" * 30)
MARK = "@@hostile@@"


@dataclass
class Route:
    method: str
    path: str  # with {placeholders} from the world
    body: dict[str, Any]
    numbers: tuple[str, ...] = ()  # dotted paths of money, quantities and rates
    dates: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    strings: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


ROUTES = [
    Route("POST", "/v1/accounts", {"email": "new@example.com", "password": "x"},
          strings=("email",)),
    Route("POST", "/v1/accounts/login", {"email": "{email}", "password": "supersecret"},
          integers=("ttl",), strings=("email",)),
    Route("POST", "/v1/accounts/reset", {"email": "{email}"}, strings=("email",)),
    Route("POST", "/v1/accounts/change-password",
          {"oldPassword": "supersecret", "newPassword": "y"}, strings=("newPassword",)),
    Route("PATCH", "/v1/accounts/{account}", {"firstname": "R"}, strings=("firstname",)),
    Route("POST", "/v1/accounts/{account}/accesstokens", {"ttl": 60}, integers=("ttl",)),
    Route("POST", "/v1/accounts/{account}/organizations", {"name": "O", "country": "Belgium"},
          strings=("name", "country")),
    Route("PATCH", "/v1/organizations/{org}", {"name": "O"}, strings=("name", "city")),
    Route("POST", "/v1/organizations/{org}/invite", {"email": "x@example.com"},
          strings=("email",)),
    Route("POST", "/v1/organizations/{org}/defaults", {"name": "a_new", "value": "v"},
          strings=("name", "value")),
    Route("PATCH", "/v1/defaults/{default}", {"value": 15}, numbers=("value",)),
    Route("POST", "/v1/organizations/{org}/clients", {"name": "C"}, strings=("name", "email")),
    Route("PUT", "/v1/clients/{client}", {"name": "C"}, strings=("name", "address")),
    Route("POST", "/v1/organizations/{org}/items", {"name": "I", "price": 10},
          numbers=("price", "priceGross"), strings=("name", "SKU")),
    Route("PATCH", "/v1/items/{item}", {"price": 10}, numbers=("price", "priceGross")),
    Route("POST", "/v1/organizations/{org}/taxes",
          {"name": "T", "_taxRates": [{"rate": 5, "dateValidFrom": "2020-01-01"}]},
          numbers=("_taxRates.0.rate",), dates=("_taxRates.0.dateValidFrom",)),
    Route("PATCH", "/v1/taxes/{tax}", {"name": "T"}, strings=("name", "abbreviation")),
    Route("POST", "/v1/taxes/{tax}/taxrates", {"rate": 7, "dateValidFrom": "2021-01-01"},
          numbers=("rate",), dates=("dateValidFrom",)),
    Route("POST", "/v1/organizations/{org}/units", {"name": "U"}, strings=("name",)),
    Route("PATCH", "/v1/units/{unit}", {"name": "U"}, strings=("name",)),
    Route("POST", "/v1/organizations/{org}/categories", {"name": "K", "alias": "k_new"},
          strings=("name", "alias")),
    Route("PATCH", "/v1/categories/{category}", {"name": "K"}, strings=("description",)),
    Route("POST", "/v1/organizations/{org}/pricelists", {"name": "P"},
          dates=("activeFrom", "activeTo"), strings=("name",)),
    Route("PATCH", "/v1/pricelists/{pricelist}", {"name": "P"}, dates=("activeFrom",)),
    Route("POST", "/v1/pricelists/{pricelist}/prices", {"itemId": "{item2}", "price": 9},
          numbers=("price", "priceGross")),
    Route("PATCH", "/v1/prices/{price}", {"price": 9}, numbers=("price", "priceGross")),
    Route("POST", "/v1/organizations/{org}/documents", DOCUMENT,
          numbers=("_documentItems.0.price", "_documentItems.0.quantity",
                   "_documentItems.0.discount", "_documentItems.0.priceGross",
                   "_documentItems.0._documentItemTaxes.0.rate"),
          dates=("date", "dateDue", "dateService"), integers=("decimalPlaces",),
          strings=("note", "_documentClient.name", "_documentItems.0.name")),
    Route("POST", "/v1/organizations/{org}/documents",
          {**DOCUMENT, "payments": [{"type": "cash", "amount": 10, "date": "2026-01-02"}]},
          numbers=("payments.0.amount",), dates=("payments.0.date",)),
    Route("PATCH", "/v1/documents/{document}", {"_documentItems": [LINE]},
          numbers=("_documentItems.0.price", "_documentItems.0.quantity"),
          dates=("date", "dateDue"), strings=("note",)),
    Route("POST", "/v1/documents/{document}/replace", DOCUMENT,
          numbers=("_documentItems.0.price",), dates=("date",)),
    Route("POST", "/v1/documents/{document}/payments", {"type": "cash", "amount": 1},
          numbers=("amount",), dates=("date",), strings=("description",)),
    Route("POST", "/v1/organizations/{org}/payments",
          {"type": "cash", "amount": 1, "documentId": "{document}"}, numbers=("amount",)),
    Route("PATCH", "/v1/payments/{payment}", {"amount": 1}, numbers=("amount",),
          dates=("date",)),
    Route("POST", "/v1/documents/{document}/documentcategories",
          {"categoryId": "{category}", "amount": 5}, numbers=("amount",)),
    Route("PATCH", "/v1/documentcategories/{documentcategory}", {"amount": 5},
          numbers=("amount",)),
    Route("POST", "/v1/documents/{document}/recurrences",
          {"name": "R", "type": "month", "dateFirst": "2026-02-01", "numRecurrences": 2},
          dates=("dateFirst",), integers=("numRecurrences",), strings=("name",)),
    Route("PATCH", "/v1/recurrences/{recurrence}", {"numRecurrences": 3},
          dates=("dateFirst",), integers=("numRecurrences",)),
    Route("PUT", "/v1/recurrences/{recurrence}",
          {"name": "R", "type": "week", "dateFirst": "2026-02-01", "numRecurrences": 2},
          dates=("dateFirst",), integers=("numRecurrences",)),
    Route("POST", "/v1/organizations/{org}/orders",
          {"_items": [{"name": "S", "quantity": 1, "price": 10}], "expectedTotalWithTax": 10},
          numbers=("_items.0.price", "_items.0.quantity", "_items.0.discount",
                   "expectedTotalWithTax"),
          dates=("date", "paidAt"), strings=("_items.0.name", "orderId")),
    Route("PATCH", "/v1/orders/{order}", {"status": "paid"}, dates=("paidAt",),
          numbers=("expectedTotalWithTax",)),
    Route("POST", "/v1/orders/{order}/documents/create", {"type": "invoice"}),
    Route("POST", "/v1/organizations/{org}/webhooks",
          {"url": "https://example.com/hook", "events": ["client/create"]}, strings=("url",)),
    Route("PATCH", "/v1/webhooks/{webhook}", {"enabled": False}, strings=("url",)),
    Route("POST", "/v1/documents/{document}/send",
          {"recipients": "a@example.com", "subject": "S", "message": "M"},
          strings=("subject", "message")),
]  # fmt: skip


@dataclass
class World:
    api: Api
    ids: dict[str, str]

    def fill(self, text: str) -> str:
        return text.format(**self.ids)


def made(api: Api, url: str, body: dict[str, Any]) -> str:
    response = api.post(url, json=body)
    assert response.status_code == 200, (url, response.text)
    made_id: str = response.json()["id"]
    return made_id


@pytest.fixture(scope="module")
def world(app: Any) -> Iterator[World]:
    with TestClient(app, raise_server_exceptions=False) as client:
        api = Api(client)
        org = api.create_organization()["id"]
        o = f"/v1/organizations/{org}"
        ids = {"org": org, "account": api.account_id, "email": api.email}
        ids["default"] = made(api, f"{o}/defaults", {"name": "invoice_dueDays", "value": 30})
        ids["client"] = made(api, f"{o}/clients", {"name": "C"})
        ids["item"] = made(api, f"{o}/items", {"name": "I", "price": 10})
        ids["item2"] = made(api, f"{o}/items", {"name": "I2", "price": 10})
        ids["tax"] = made(api, f"{o}/taxes", {"name": "T", "_taxRates": [{"rate": 5}]})
        ids["unit"] = made(api, f"{o}/units", {"name": "U"})
        ids["category"] = made(api, f"{o}/categories", {"name": "K", "alias": "k"})
        ids["pricelist"] = made(api, f"{o}/pricelists", {"name": "P"})
        pl = f"/v1/pricelists/{ids['pricelist']}"
        ids["price"] = made(api, f"{pl}/prices", {"itemId": ids["item"], "price": 9})
        ids["document"] = made(api, f"{o}/documents", {**DOCUMENT, "draft": True})
        d = f"/v1/documents/{ids['document']}"
        ids["payment"] = made(api, f"{d}/payments", {"type": "cash", "amount": 1})
        ids["documentcategory"] = made(
            api, f"{d}/documentcategories", {"categoryId": ids["category"], "amount": 1}
        )
        recurrence = {"name": "R", "type": "month", "dateFirst": "2026-02-01", "numRecurrences": 2}
        ids["recurrence"] = made(api, f"{d}/recurrences", recurrence)
        ids["order"] = made(api, f"{o}/orders", {"_items": [{"name": "S", "price": 10}]})
        hook = {"url": "https://example.com/hook", "events": ["client/create"]}
        ids["webhook"] = made(api, f"{o}/webhooks", hook)
        yield World(api, ids)


def rows(database: Database) -> int:
    """Rows in every table together: a bad request must leave all of them as they were."""
    counts = [select(func.count()).select_from(table) for table in Base.metadata.sorted_tables]
    with database.transaction(write=False) as session:
        return sum(session.execute(union_all(*counts)).scalars())


def with_value(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `body` with the property at the dotted `path` set to `value`."""
    copy: Any = json.loads(json.dumps(body))
    target = copy
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[last] = value
    return dict(copy)


def raw_json(world: World, body: dict[str, Any], token: str = "") -> bytes:
    """`body` as JSON text, ids of the world filled in, the marked value replaced by `token`
    (a literal JSON token such as `1e400` or `"\\ud800"`, which no JSON library writes)."""
    text = json.dumps(body)
    for key, value in world.ids.items():
        text = text.replace("{" + key + "}", value)
    return text.replace(json.dumps(MARK), token).encode()


def send(world: World, route: Route, content: bytes, content_type: str) -> Any:
    headers = {**world.api.headers, "Content-Type": content_type}
    url = world.fill(route.path)
    return world.api.client.request(route.method, url, headers=headers, content=content)


def refused(world: World, database: Database, route: Route, content: bytes, **kw: Any) -> Any:
    """Send `content` to `route`; assert a 4xx envelope and that nothing was written."""
    before = rows(database)
    response = send(world, route, content, kw.get("content_type", "application/json"))
    assert response.status_code in (400, 413, 422), (route.name, response.text[:300])
    assert response.json()["error"]["statusCode"] == response.status_code
    assert rows(database) == before, route.name
    return response


def named(response: Any, path: str) -> None:
    """The 422 names the property (or a property inside it)."""
    if response.status_code == 422:
        messages = response.json()["error"]["details"]["messages"]
        assert any(key == path or key.startswith(path + ".") for key in messages), (
            path,
            messages,
        )


def cases() -> Iterator[Any]:
    for route in ROUTES:
        for path in route.numbers:
            for token in HUGE_NUMBERS:
                yield pytest.param(route, path, token, id=f"{route.name} {path}={token}")
        for path in route.dates:
            for day in FAR_DATES:
                yield pytest.param(route, path, json.dumps(day), id=f"{route.name} {path}={day}")
        for path in route.integers:
            for token in HUGE_INTEGERS:
                yield pytest.param(route, path, token, id=f"{route.name} {path}={token[:8]}")
        for path in route.strings:
            for text in ('"a\\u0000b"', '"a\\ud800b"', '"\\udfff"'):
                yield pytest.param(route, path, text, id=f"{route.name} {path}={text}")
        for path in ("custom", "custom.deep"):
            yield pytest.param(route, path, "[" * 40 + "]" * 40, id=f"{route.name} {path} deep")
        yield pytest.param(route, "custom.n", str(2**70), id=f"{route.name} custom.n=2**70")


@pytest.mark.parametrize(("route", "path", "token"), list(cases()))
def test_a_hostile_value_is_refused_by_name(
    world: World, database: Database, route: Route, path: str, token: str
) -> None:
    body = with_value(route.body, "custom", {}) if path.startswith("custom.") else route.body
    content = raw_json(world, with_value(body, path, MARK), token)
    response = refused(world, database, route, content)
    named(response, "custom" if path.startswith("custom") else path)


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_undecodable_and_oversized_bodies_are_refused(
    world: World, database: Database, route: Route
) -> None:
    valid = raw_json(world, route.body)
    refused(world, database, route, valid[:-1] + b', "x": "\xff\xfe"}')
    refused(world, database, route, b"[" * 100_000 + b"]" * 100_000)
    refused(world, database, route, b'{"a": ' + b"9" * 5000 + b"}")
    padding = b" " * (bounds.MAX_BODY_BYTES + 1)
    big = refused(world, database, route, valid[:-1] + b', "x": "' + padding + b'"}')
    assert big.status_code == 413


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_hostile_form_bodies_are_refused(world: World, database: Database, route: Route) -> None:
    form = "application/x-www-form-urlencoded"
    for content in (b"name=%FF%FE", b"name=\xff", b"custom[a]=x%00y"):
        refused(world, database, route, content, content_type=form)
    for path in route.numbers:
        key = path.split(".")[0] + "".join(f"[{part}]" for part in path.split(".")[1:])
        filled = {world.fill(k): world.fill(str(v)) for k, v in flat(route.body).items()}
        for token in ("1e308", "9.3e14", "1" + "0" * 30, "NaN", "Infinity"):
            content = "&".join(f"{k}={v}" for k, v in {**filled, key: token}.items()).encode()
            named(refused(world, database, route, content, content_type=form), path)


def flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """`value` as qs bracket keys: {"a": [{"b": 1}]} → {"a[0][b]": 1}."""
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        found: dict[str, Any] = {}
        for key, child in items:
            found.update(flat(child, f"{prefix}[{key}]" if prefix else str(key)))
        return found
    return {prefix: value}


def test_lines_whose_totals_no_column_holds_are_a_422(world: World, database: Database) -> None:
    """Each amount is within the bounds, their product is not: a 422 naming the total."""
    line = {"name": "Ship", "quantity": 9_999_999_999_999, "price": 9_999_999_999_999}
    route = Route("POST", "/v1/organizations/{org}/documents", {})
    body = {"_documentClient": {"name": "R"}, "_documentItems": [line]}
    response = refused(world, database, route, raw_json(world, body))
    assert response.status_code == 422
    assert "total" in response.json()["error"]["details"]["messages"]


def test_far_dates_in_a_recurrence_plan_are_a_422(world: World, database: Database) -> None:
    route = Route("POST", "/v1/documents/{document}/recurrences", {})
    body = {"name": "R", "type": "week", "dateFirst": "2990-01-01", "numRecurrences": 1000}
    named(refused(world, database, route, raw_json(world, body)), "numRecurrences")


def test_answers_hold_integers_beyond_64_bits(world: World, database: Database) -> None:
    """Answers never fail to serialize, whatever an older version let into `custom`."""
    from spaceport.clients.models import Client

    with database.transaction() as session:
        client = session.get(Client, world.ids["client"])
        assert client is not None
        client.custom = {"n": 2**70}
    answer = world.api.get(f"/v1/clients/{world.ids['client']}")
    assert answer.status_code == 200 and b'"n":1180591620717411303424' in answer.content


def test_bounded_values_are_taken(world: World) -> None:
    """Just inside the bounds is fine."""
    line = {"name": "Edge", "quantity": 1, "price": "9999999999999.99"}
    body = {"_documentClient": {"name": "R"}, "_documentItems": [line], "date": "2999-12-31"}
    url = world.fill("/v1/organizations/{org}/documents")
    response = world.api.post(url, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 9999999999999.99
    tail = world.api.post(url, json={**body, "date": "1900-01-01"})
    assert tail.status_code == 200, tail.text


@pytest.mark.parametrize(
    "query",
    [
        "filter=" + "[" * 5000 + "]" * 5000,
        "filter=" + '{"where":' * 3000 + "1" + "}" * 3000,
        "filter[where][name]=a%00b",
        "filter[where][name]=%FF%FE",
        "filter[where][total][gt]=1e400",
        "filter[where][createdAt][gt]=99999-01-01",
        "access_token=%00",
    ],
)
def test_hostile_queries_are_a_400(world: World, query: str) -> None:
    for path in ("/v1/organizations/{org}/documents", "/v1/organizations/{org}/clients/count"):
        response = world.api.get(world.fill(path) + "?" + query)
        assert response.status_code == 400, (query[:40], response.text[:200])
        assert response.json()["error"]["statusCode"] == 400


def test_a_nul_in_the_path_is_a_400(world: World) -> None:
    response = world.api.get("/v1/clients/%00")
    assert response.status_code == 400 and response.json()["error"]["statusCode"] == 400
