"""A small JSON Schema checker for the subset the OpenAPI document uses (jsonschema is not installed).

Supports $ref (local), type (incl. lists and "null"), enum, const, required, properties,
additionalProperties: false, items, minItems/maxItems, minimum, maxLength, pattern,
oneOf, anyOf and allOf. Returns a list of error strings; empty means valid.
"""

from __future__ import annotations

import re
from typing import Any

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {
    "$ref", "type", "enum", "const", "required", "properties", "additionalProperties", "items", "minItems",
    "maxItems", "minimum", "maxLength", "pattern", "oneOf", "anyOf", "allOf", "description", "format", "default",
}  # fmt: skip


def resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    assert ref.startswith("#/"), f"only local refs: {ref}"
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def errors(value: Any, schema: dict[str, Any], document: dict[str, Any], at: str = "$") -> list[str]:
    unknown = set(schema) - KNOWN
    assert not unknown, f"validator does not support {unknown} at {at}"
    if "$ref" in schema:
        return errors(value, resolve(document, schema["$ref"]), document, at)
    found: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(TYPES[k](value) for k in kinds):
            return [f"{at}: {value!r} is not of type {kinds}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{at}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        found.append(f"{at}: {value!r} != {schema['const']!r}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                found.append(f"{at}: missing required {key!r}")
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                found += errors(item, properties[key], document, f"{at}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{at}: unexpected property {key!r}")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            found.append(f"{at}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            found.append(f"{at}: more than {schema['maxItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                found += errors(item, schema["items"], document, f"{at}[{i}]")
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            found.append(f"{at}: longer than {schema['maxLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{at}: {value!r} does not match {schema['pattern']}")
    if TYPES["number"](value) and "minimum" in schema and value < schema["minimum"]:
        found.append(f"{at}: {value} below minimum {schema['minimum']}")
    for sub in schema.get("allOf", []):
        found += errors(value, sub, document, at)
    if "anyOf" in schema and all(errors(value, sub, document, at) for sub in schema["anyOf"]):
        found.append(f"{at}: matches none of anyOf")
    if "oneOf" in schema:
        matching = sum(not errors(value, sub, document, at) for sub in schema["oneOf"])
        if matching != 1:
            found.append(f"{at}: matches {matching} of oneOf (exactly one expected)")
    return found
