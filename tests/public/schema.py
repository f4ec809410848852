"""Checking JSON against the OpenAPI document with jsonschema (Draft 2020-12, as OpenAPI 3.1 uses).

A schema taken out of the document refers to ``#/components/schemas/...``; it is checked
with the document's components beside it, so those references resolve as they would in
the document itself.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:openapi"


def errors(value: Any, schema: dict[str, Any], document: dict[str, Any]) -> list[str]:
    """Every way ``value`` fails ``schema`` (a schema from ``document``); empty means valid."""
    root = {**schema, "components": document.get("components", {})}
    Draft202012Validator.check_schema(root)
    validator = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(value)]


def resolve(document: dict[str, Any], ref: str) -> Any:
    """What a local ``$ref`` of the document points at (raises if it points nowhere)."""
    registry = Registry().with_resource(DOCUMENT_URI, Resource(document, DRAFT202012))
    return registry.resolver().lookup(DOCUMENT_URI + ref).contents
