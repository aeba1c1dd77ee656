"""COMPAT §1.13: `/openapi.json` describes the API as it answers, and `/docs` renders it with
assets Spaceport serves itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from spaceport.domains import RESOURCES
from tests.answered import as_documented
from tests.conftest import Api

Operation = tuple[str, str, dict[str, Any]]


@pytest.fixture(scope="module")
def document(app: Any) -> dict[str, Any]:
    with TestClient(app) as client:
        answer: dict[str, Any] = client.get("/openapi.json").json()
        return answer


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield item
            else:
                yield from refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from refs(item)


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    target: Any = document
    for part in ref[2:].split("/"):
        target = target[part]
    return target


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)  # raises on any error
    assert len(list(operations(document))) > 150


def test_every_ref_resolves(document: dict[str, Any]) -> None:
    found = set(refs(document))
    assert "#/components/schemas/Error" in found
    for ref in found:
        resolve(document, ref)  # KeyError names a missing one


def test_every_path_parameter_is_declared(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)


# Schemas of answers that are any JSON by design, by path (component, then properties; `[]`
# an array's items), each with the reason.
ANY_JSON: dict[str, str] = {
    "Default.value": "a Default's value is any JSON the caller gave (COMPAT §7.2)",
    "RunStep.input": "a flow step's input as rendered from templates (FLOWS §F7.2)",
    "RunStep.output": "what a flow step's action answered (FLOWS §F7.2)",
}
COMPOSITIONS = ("anyOf", "oneOf", "allOf")


def untyped(document: dict[str, Any], schema: Any, path: str, seen: set[str]) -> Iterator[str]:
    """The paths under `schema` that state no type: through `$ref`, properties, items,
    compositions and additionalProperties (a boolean there only says whether other properties
    may appear, the `extra="allow"` of the answer types)."""
    if path in ANY_JSON:
        return
    if not isinstance(schema, dict):
        yield f"{path}: {schema!r}"
        return
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from untyped(document, resolve(document, schema["$ref"]), name, seen)
        return
    branches = [b for key in COMPOSITIONS for b in schema.get(key, ())]
    if branches:
        for branch in branches:
            yield from untyped(document, branch, path, seen)
        return
    if "type" not in schema:
        yield f"{path}: {schema}"
        return
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if "array" in kinds:
        if "items" in schema:
            yield from untyped(document, schema["items"], f"{path}[]", seen)
        else:
            yield f"{path}[]: no items"
    for name, item in schema.get("properties", {}).items():
        yield from untyped(document, item, f"{path}.{name}", seen)
    for pattern, item in schema.get("patternProperties", {}).items():
        yield from untyped(document, item, f"{path}.{pattern}", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from untyped(document, schema["additionalProperties"], f"{path}.*", seen)


def test_every_json_answer_is_typed(document: dict[str, Any]) -> None:
    """Issue 16: every answer's schema states its type, all the way down (embedded objects,
    arrays' items), except the values `ANY_JSON` names."""
    found: list[str] = []
    seen: set[str] = set()
    for path, method, operation in operations(document):
        successes = {c: r for c, r in operation["responses"].items() if c.startswith("2")}
        assert successes, (method, path)
        for code, response in successes.items():
            for media, content in response.get("content", {}).items():
                assert "charset" not in media
                found += untyped(document, content["schema"], f"{method} {path} {code}", seen)
    assert not found, "\n".join(found)
    assert seen >= {name.split(".")[0] for name in ANY_JSON}  # no stale allowance
    for name in ANY_JSON:
        component, prop = name.split(".")
        schema = document["components"]["schemas"][component]["properties"][prop]
        assert schema["description"].startswith("Any JSON"), name  # it says so


def test_embedded_objects_are_answered_as_typed(api: Api, organization: dict[str, Any]) -> None:
    """Issue 16: what the server answers in the embedded objects typed above validates: a
    conversion rate (COMPAT §6.12), recurrence dates, an order's lines, id and event lists."""
    org = f"/v1/organizations/{organization['id']}"

    def made(path: str, body: dict[str, Any], component: str) -> Any:
        answer = api.post(path, json=body)
        assert answer.status_code == 200, answer.text
        as_documented(api.client, answer.json(), component)
        return answer.json()

    tax = made(f"{org}/taxes", {"name": "VAT", "_taxRates": [{"rate": 22}]}, "Tax")
    made(f"{org}/items", {"name": "Fuel", "price": 10, "taxIds": [tax["id"]]}, "Item")
    lines = [{"name": "Fuel", "price": 10, "quantity": 2}]
    party = {"name": "Rocket"}
    home = made(f"{org}/documents", {"_documentItems": lines, "_documentClient": party}, "Document")
    assert home["_documentConversionRate"] == []
    body: dict[str, Any] = {"currencyId": "USD", "_documentItems": lines}
    body |= {"_documentClient": party, "documentIds": [home["id"]]}
    foreign = made(f"{org}/documents", body, "Document")
    assert foreign["_documentConversionRate"]["to"] == "EUR"
    body = {"name": "Monthly", "type": "month", "dateFirst": "2030-01-01", "numRecurrences": 2}
    recurrence = made(f"/v1/documents/{home['id']}/recurrences", body, "Recurrence")
    assert len(recurrence["_recurrenceDates"]) == 2
    body = {"_items": [{"name": "Fuel", "SKU": "F-1", "price": 10, "taxRate": 22}]}
    made(f"{org}/orders", body, "Order")
    body = {"url": "https://hooks.example.com/in", "events": ["*"]}
    made(f"{org}/webhooks", body, "CreatedWebhook")
    wrong = {**recurrence, "_recurrenceDates": [{"iteration": "1"}]}
    with pytest.raises(jsonschema.ValidationError):  # the check can fail
        as_documented(api.client, wrong, "Recurrence")


def test_models_answer_their_properties_typed(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    client = schemas["Client"]["properties"]
    assert client["name"] == {"type": "string", "title": "Name"}
    assert client["IBAN"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    assert schemas["Client"]["required"] == ["id"]  # COMPAT §4.4: fields may drop the rest
    line = resolve(document, schemas["Document"]["properties"]["_documentItems"]["items"]["$ref"])
    assert line["properties"]["quantity"]["type"] == "number"  # COMPAT §1.6
    taxes = line["properties"]["_documentItemTaxes"]["items"]["$ref"]
    assert resolve(document, taxes)["properties"]["rate"]["type"] == "number"
    assert schemas["Document"]["properties"]["total"]["type"] == "number"
    assert schemas["Document"]["properties"]["createdAt"]["format"] == "date-time"


def test_every_include_is_typed(document: dict[str, Any]) -> None:
    """COMPAT §4.3 relations appear in the answers' types, optional (asked for or not)."""
    for resource in RESOURCES:
        fields = resource.answer_type.model_fields
        aliases = {field.alias for field in fields.values()}
        assert set(resource.includes) <= aliases, resource.collection
    document_properties = document["components"]["schemas"]["Document"]["properties"]
    assert {"payments", "recurrences", "client"} <= set(document_properties)


def test_every_4xx_is_the_loopback_envelope(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        errors = {c: r for c, r in operation["responses"].items() if c.startswith("4")}
        assert {"400", "401", "404", "422"} <= set(errors), (method, path)
        for response in errors.values():
            answered = resolve(document, response["$ref"])
            schema = answered["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_an_answered_error_matches_the_envelope(
    document: dict[str, Any], api: Api, organization: dict[str, Any]
) -> None:
    """The schema says what the server answers (COMPAT §2.1), for a 422 and a 401."""
    error = document["components"]["schemas"]["Error"]
    refused = api.post(f"/v1/organizations/{organization['id']}/clients", json={"name": []})
    assert refused.status_code == 422
    jsonschema.validate(refused.json(), error)
    anonymous = api.client.get(f"/v1/organizations/{organization['id']}/clients")
    assert anonymous.status_code == 401
    jsonschema.validate(anonymous.json(), error)


def test_lists_take_filter_and_counts_where(document: dict[str, Any]) -> None:
    """COMPAT §4.1 and COMPAT §4.5."""

    def query(path: str) -> set[str]:
        parameters = document["paths"][path]["get"].get("parameters", [])
        return {p["name"] for p in parameters if p["in"] == "query"}

    for path, method, _ in operations(document):
        if method == "get" and path.endswith("/count"):
            assert "where" in query(path), path
    assert "filter" in query("/v1/organizations/{id}/documents")
    assert "filter" in query("/v1/organizations/{id}/clients")
    assert "filter" in query("/v1/documents/{id}")  # include and fields
    assert "filter" in query("/v1/organizations/{id}/events")
    assert "filter" in query("/v1/accounts/{account_id}/organizations")


def test_searches_take_their_term(document: dict[str, Any]) -> None:
    """COMPAT §1.11: a generated client passes `term`, required where the search needs one,
    though the route reads it from the query it decodes itself (`kit.routes.scoped_answer`)."""
    for collection, required in (("clients", True), ("items", True), ("documents", False)):
        paths = [f"/v1/organizations/{{id}}/search-{collection}"]
        if collection != "documents":
            paths.append(f"/v1/organizations/{{id}}/{collection}/search")
        for path in paths:
            parameters = document["paths"][path]["get"]["parameters"]
            term = [p for p in parameters if p["name"] == "term" and p["in"] == "query"]
            assert len(term) == 1 and term[0]["required"] is required, path
            assert "filter" in {p["name"] for p in parameters}, path


def test_the_launch_code_is_the_security_scheme(document: dict[str, Any]) -> None:
    """COMPAT §3.1: header `Authorization`, or query `access_token`; open routes need none."""
    schemes = document["components"]["securitySchemes"]
    assert schemes["launchCode"] == {**schemes["launchCode"], "in": "header"}
    assert schemes["launchCode"]["name"] == "Authorization"
    assert schemes["accessToken"]["in"] == "query"
    assert schemes["accessToken"]["name"] == "access_token"
    paths = document["paths"]
    for path, method in [
        ("/v1/organizations/{id}/clients", "get"),
        ("/v1/documents/{id}/pdf", "get"),
        ("/v1/accounts/change-password", "post"),
    ]:
        assert {"launchCode": []} in paths[path][method]["security"], path
    for path, method in [("/v1/accounts/login", "post"), ("/v1/accounts", "post")]:
        assert "security" not in paths[path][method], path


def test_request_bodies_are_typed(document: dict[str, Any]) -> None:
    """COMPAT §1.2: JSON, and the same properties as form or multipart, which the document says
    once (a generator given three media types for one body sends all three)."""
    body = document["paths"]["/v1/organizations/{id}/documents"]["post"]["requestBody"]
    assert set(body["content"]) == {"application/json"}
    schema = resolve(document, body["content"]["application/json"]["schema"]["$ref"])
    assert "_documentItems" in schema["properties"]
    assert "multipart/form-data" in document["info"]["description"]
    upload = document["paths"]["/v1/organizations/{id}/upload-image"]["post"]["requestBody"]
    file = upload["content"]["multipart/form-data"]["schema"]["properties"]["file"]
    assert file == {"type": "string", "format": "binary"}


def test_docs_need_no_internet(client: TestClient) -> None:
    """COMPAT §1.13: Swagger UI's page names only Spaceport's own URLs, and they answer."""
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page.text, re.IGNORECASE)
    urls = re.findall(r'(?:href|src)="([^"]+)"', page.text) + re.findall(
        r"url: '([^']+)'", page.text
    )
    assert "/openapi.json" in urls and len(urls) >= 4
    for url in urls:
        assert url.startswith("/"), url
        answered = client.get(url)
        assert answered.status_code == 200, url
        assert len(answered.content) > 1000, url


def test_a_cancel_answers_its_credit_note_typed(document: dict[str, Any]) -> None:
    """FISCAL §S14.2: `{"success": true, "creditNoteId"}` as the server answers it."""
    answer = document["paths"]["/v1/documents/{id}/cancel"]["post"]["responses"]["200"]
    schema = resolve(document, answer["content"]["application/json"]["schema"]["$ref"])
    assert schema["properties"]["success"]["type"] == "boolean"
    assert schema["properties"]["creditNoteId"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
