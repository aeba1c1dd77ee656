"""Answers checked against the schemas `/openapi.json` serves for them (COMPAT §1.13), for
tests of what schemathesis does not reach (a fiscalized document, a flow run's records)."""

from __future__ import annotations

from typing import Any

import jsonschema
from fastapi.testclient import TestClient


def as_documented(client: TestClient, answer: Any, component: str) -> None:
    """`answer` validates against the served document's `component` schema."""
    components = client.get("/openapi.json").json()["components"]
    schema = {"$ref": f"#/components/schemas/{component}", "components": components}
    jsonschema.validate(answer, schema)
