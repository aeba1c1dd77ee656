"""The OpenAPI document as the API answers (COMPAT §1.13), built once from FastAPI's.

FastAPI sees the routes, their answers (`response_model=`, see `kit.answers`) and the path
and query parameters the endpoints name. What it cannot see is added here, for every route
alike:

- request bodies, read by `wire.body_of`, with their schemas among the components. They are
  declared as JSON: the same properties also arrive as form or multipart bodies with the qs
  rules (COMPAT §1.2), which the document says in words, since a generator given one schema
  under three media types sends all three at once;
- path parameters that only a dependency reads (the authorization's `{id}`);
- `filter` on the routes that read the query (COMPAT §1.4, COMPAT §4.1), and `where` alone on
  counts (COMPAT §4.5);
- the LoopBack error envelope (COMPAT §2.1) as every 4xx answer, in place of FastAPI's
  `{"detail": ...}`;
- the launch-code security scheme (COMPAT §3.1): header `Authorization` or query
  `access_token`, on the routes that need a caller;
- operation ids from the routes' names (`list_clients`, `get_document`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any, Final

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from spaceport.kit import answers

BODIES: Final = (
    "Request bodies are JSON; every one is also accepted as `application/x-www-form-urlencoded`"
    " or `multipart/form-data` with the same properties, bracket keys decoded with the Node `qs`"
    " rules (`a[b][0][c]=x`) and values coerced to the declared types (COMPAT §1.2)."
)
REF = "#/components/schemas/{model}"
PARAMETER = re.compile(r"{(\w+)}")

# The launch code (COMPAT §3.1); `SECURED` is what an operation that needs a caller declares.
SECURITY_SCHEMES: Final = {
    "launchCode": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "The launch code, raw (`Authorization: <code>`) or `Bearer <code>`.",
    },
    "accessToken": {"type": "apiKey", "in": "query", "name": "access_token"},
}
SECURED: Final[list[dict[str, list[str]]]] = [{"launchCode": []}, {"accessToken": []}]
LAUNCH_CODE: Final = {"security": SECURED}
"""`openapi_extra=` of a route that reads the launch code itself (not through a dependency)."""

# COMPAT §2.1: every error body.
ERROR_SCHEMA: Final = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["statusCode", "name", "message"],
            "properties": {
                "statusCode": {"type": "integer"},
                "name": {"type": "string"},
                "message": {"type": "string"},
                "details": {
                    "type": "object",
                    "description": "422: `messages` maps each property to its messages.",
                },
            },
        }
    },
}
# COMPAT §2.2: what each 4xx means.
ERRORS: Final = {
    "400": "Malformed request: bad JSON, a bad filter, an unknown relation",
    "401": "No or invalid launch code, or no access to the organization",
    "403": "The access role or the launch code's scope forbids it, or the organization is off",
    "404": "Unknown route, or an id that exists nowhere",
    "409": "A uniqueId or Idempotency-Key already used with another body",
    "413": "The body is larger than the server takes",
    "422": "Validation failed: `details.messages` names each property",
    "429": "Too many requests: retry after `Retry-After` seconds",
}

FILTER: Final = {
    "name": "filter",
    "in": "query",
    "required": False,
    "description": (
        'LoopBack filter (COMPAT §4.1): JSON (`{"where": {"type": "invoice"}, '
        '"limit": 10}`) or bracket keys (`filter[where][type]=invoice`): `where`, `order`, '
        "`limit`, `skip`, `fields`, `include`, `deleted`."
    ),
    "schema": {"type": "string"},
}
WHERE: Final = {
    "name": "where",
    "in": "query",
    "required": False,
    "description": "What to count (COMPAT §4.5): JSON or bracket keys (`where[type]=invoice`).",
    "schema": {"type": "string"},
}


def search_term(*, required: bool) -> dict[str, Any]:
    """`openapi_extra` of a search route, which reads its `term` from the query it decodes in
    its own thread (`kit.routes.scoped_answer`), unseen by FastAPI (COMPAT §1.11)."""
    term = {
        "name": "term",
        "in": "query",
        "required": required,
        "description": "What to look for: a case-insensitive substring (COMPAT §1.11).",
        "schema": {"type": "string"},
    }
    return {"parameters": [term]}


def body_model(route: APIRoute) -> type[BaseModel] | None:
    for dependency in route.dependant.dependencies:
        model = getattr(dependency.call, "__spaceport_body__", None)
        if model is not None:
            return model  # type: ignore[no-any-return]
    return None


def reads_query(route: APIRoute) -> bool:
    return any(getattr(d.call, "__spaceport_query__", False) for d in route.dependant.dependencies)


def install(app: FastAPI, secured: Callable[[APIRoute], bool]) -> None:
    """`app.openapi()` answers the document of this module, built on first use. `secured`
    tells whether a route needs a caller."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app, secured)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def build(app: FastAPI, secured: Callable[[APIRoute], bool]) -> dict[str, Any]:
    document = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    document["info"]["description"] = f"{document['info'].get('description', '')}\n\n{BODIES}"
    components = document.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    routes = served(app)
    bodies = add_schemas(schemas, {m for r, _ in routes if (m := body_model(r)) is not None})
    name_operations(list(operations(document, routes)))
    for route, path, _method, operation in operations(document, routes):
        declare_path_parameters(path, operation)
        if reads_query(route):
            declare_filter(route, path, operation)
        model = body_model(route)
        if model is not None:
            ref = {"$ref": REF.format(model=bodies[model])}
            content = {"application/json": {"schema": ref}}
            operation["requestBody"] = {"required": True, "content": content}
        declare_errors(operation)
        plain_json(operation)
        if secured(route):
            operation.setdefault("security", SECURED)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Error"] = ERROR_SCHEMA
    components["responses"] = {
        code: error_response(code, description) for code, description in ERRORS.items()
    }
    components["securitySchemes"] = SECURITY_SCHEMES
    fixed: dict[str, Any] = numeric_defaults(document)
    return fixed


def numeric_defaults(value: Any) -> Any:
    """Pydantic writes a Decimal default as a string (`"1"`); a `Number` is a JSON number
    (COMPAT §1.6), and so is its default."""
    if isinstance(value, dict):
        fixed = {key: numeric_defaults(item) for key, item in value.items()}
        default = fixed.get("default")
        kinds = [fixed.get("type"), *(k.get("type") for k in fixed.get("anyOf", ()))]
        if "number" in kinds and isinstance(default, str):
            number = Decimal(default)
            fixed["default"] = (
                int(number) if number == number.to_integral_value() else float(number)
            )
        return fixed
    if isinstance(value, list):
        return [numeric_defaults(item) for item in value]
    return value


def served(app: FastAPI) -> list[tuple[APIRoute, str]]:
    """Each documented route with its full path (routers are included with their prefix)."""
    return [
        (context.original_route, str(context.path_format))
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and context.original_route.include_in_schema
    ]


def operations(
    document: dict[str, Any], routes: Iterable[tuple[APIRoute, str]]
) -> Iterator[tuple[APIRoute, str, str, dict[str, Any]]]:
    for route, path in routes:
        for method in sorted(route.methods or ()):
            yield route, path, method.lower(), document["paths"][path][method.lower()]


def name_operations(found: list[tuple[APIRoute, str, str, dict[str, Any]]]) -> None:
    """Operation ids from the routes' names (`list_clients`), with the method when a route
    takes several (`update_account_put`); where that is still ambiguous (one endpoint at two
    paths), FastAPI's unique id stays."""
    names = [route.name for route, *_ in found]
    wanted = [
        route.name if names.count(route.name) == 1 else f"{route.name}_{method}"
        for route, _, method, _ in found
    ]
    for (_, _, _, operation), name in zip(found, wanted, strict=True):
        if wanted.count(name) == 1:
            operation["operationId"] = name


def add_schemas(schemas: dict[str, Any], models: Iterable[type[BaseModel]]) -> dict[Any, str]:
    """The request body models' schemas (validation mode: form values are strings, COMPAT §1.2)
    among the components, each model's name kept unless FastAPI's answers already use it for
    another schema. Answers the component name of each model."""
    ordered = sorted(models, key=lambda m: m.__name__)
    keys, found = models_json_schema([(m, "validation") for m in ordered], ref_template=REF)
    definitions: dict[str, Any] = found.get("$defs", {})
    renamed = {
        name: f"{name}-Input"
        for name, schema in definitions.items()
        if name in schemas and schemas[name] != schema
    }
    for name, schema in definitions.items():
        schemas[renamed.get(name, name)] = rename_refs(schema, renamed)
    return {
        model: renamed.get(ref, ref)
        for (model, _), value in keys.items()
        for ref in [value["$ref"].rsplit("/", 1)[-1]]
    }


def rename_refs(value: Any, renamed: dict[str, str]) -> Any:
    if isinstance(value, dict):
        if "$ref" in value and isinstance(value["$ref"], str):
            name = value["$ref"].rsplit("/", 1)[-1]
            value = {**value, "$ref": REF.format(model=renamed.get(name, name))}
        return {key: rename_refs(item, renamed) for key, item in value.items()}
    if isinstance(value, list):
        return [rename_refs(item, renamed) for item in value]
    return value


def declare_path_parameters(path: str, operation: dict[str, Any]) -> None:
    """Every `{name}` of the path, also those only a dependency reads (the authorization's)."""
    parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
    declared = {p["name"] for p in parameters if p.get("in") == "path"}
    for name in PARAMETER.findall(path):
        if name not in declared:
            parameters.append(
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            )


def declare_filter(route: APIRoute, path: str, operation: dict[str, Any]) -> None:
    """COMPAT §4.5: counts take `where` only; the other routes reading the query a `filter`."""
    counting = route.response_model is answers.Count and path.endswith("/count")
    parameter = WHERE if counting else FILTER
    parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
    if all(p["name"] != parameter["name"] for p in parameters):
        parameters.append(dict(parameter))


def plain_json(operation: dict[str, Any]) -> None:
    """Answers are `application/json; charset=utf-8` (COMPAT §1.5): the media type is
    `application/json`, the charset a parameter that generators need not see."""
    for response in operation.get("responses", {}).values():
        content = response.get("content", {})
        if "application/json; charset=utf-8" in content:
            content["application/json"] = content.pop("application/json; charset=utf-8")


def declare_errors(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for code in ERRORS:
        responses[code] = {"$ref": f"#/components/responses/{code}"}


def error_response(code: str, description: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
    }
    if code == "429":
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    return response
