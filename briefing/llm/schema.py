"""JSON Schemas for structured output, made from the pydantic answer models.

The schema keeps the bounds (maxItems, minItems, maxLength): they stop weak models from
looping until the token limit, and grammar-constrained servers (llama.cpp, vLLM) enforce
them. OpenAI's strict mode accepts them too, except for fine-tuned models, whose
documented subset leaves out the string, number, object and array constraints.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pydantic import BaseModel

# Keywords OpenAI documents as unsupported in strict mode for fine-tuned models.
FINE_TUNED_UNSUPPORTED = frozenset(
    {
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "multipleOf",
        "patternProperties",
        "unevaluatedProperties",
        "propertyNames",
        "minProperties",
        "maxProperties",
        "unevaluatedItems",
        "contains",
        "minContains",
        "maxContains",
        "minItems",
        "maxItems",
        "uniqueItems",
    }
)


@cache
def strict_schema(model: type[BaseModel], *, strip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The model's JSON Schema for strict mode: refs inlined, every object closed and complete.

    Cached (it was rebuilt for every request): callers must not mutate the result.

    Every property is required and `additionalProperties` is false, as strict mode demands;
    `$defs` are inlined because not every OpenAI-compatible server resolves `$ref`.
    `title` keywords are dropped (noise in a prompt); keywords in `strip` are removed.
    """
    root = model.model_json_schema()
    defs: dict[str, Any] = root.pop("$defs", {})
    walked: dict[str, Any] = _walk(root, defs, strip, seen=())
    return walked


def _walk(node: Any, defs: dict[str, Any], strip: frozenset[str], seen: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_walk(item, defs, strip, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            raise ValueError(f"recursive schema ({name}) cannot be inlined")
        # Keywords beside the $ref (a description) take priority over the definition's.
        merged = {**defs[name], **{k: v for k, v in node.items() if k != "$ref"}}
        return _walk(merged, defs, strip, (*seen, name))
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" or key in strip:
            continue
        if key == "properties":
            out[key] = {name: _walk(sub, defs, strip, seen) for name, sub in value.items()}
        else:
            out[key] = _walk(value, defs, strip, seen)
    if out.get("type") == "object" and "properties" in out:
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    # pydantic writes `default` for optional fields; strict mode has no optional fields.
    out.pop("default", None)
    return out


def schema_instructions(schema: dict[str, Any]) -> str:
    """The text appended to the system prompt when the provider only has JSON mode."""
    return (
        "Answer with one JSON object and nothing else (no prose, no code fences). "
        "It must conform to this JSON Schema:\n"
        + json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
    )
