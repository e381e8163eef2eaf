"""A JSON value that follows a JSON schema, for the `echo` backend's tool calls and JSON answers.

Every string the schema asks for is the text being echoed (the last user
message, masked), so what the echo answers still shows what a model saw;
other types get a plain value of their type (0, false, the first enum value).
"""

from __future__ import annotations

from typing import Any

_MAX_DEPTH = 8


def _resolve(schema: Any, root: dict[str, Any]) -> Any:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return target
    return schema


def value_for(schema: Any, text: str, root: dict[str, Any] | None = None, depth: int = 0) -> Any:
    root = root if root is not None else (schema if isinstance(schema, dict) else {})
    schema = _resolve(schema, root)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return text
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            chosen = next(
                (o for o in options if _resolve(o, root).get("type") != "null"), options[0]
            )
            return value_for(chosen, text, root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties") or {}
        return {name: value_for(p, text, root, depth + 1) for name, p in properties.items()}
    if kind == "array":
        return [value_for(schema.get("items") or {}, text, root, depth + 1)]
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return text
