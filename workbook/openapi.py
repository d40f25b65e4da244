"""Read an app's own OpenAPI document: what portable checks know of an app they never saw.

A portable check (see `workbook.audit`) finds the routes to probe here instead of naming them:
the operations, their parameters and request bodies, with local `$ref`s followed.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from workbook.harness import Blocked, json_body

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_MEDIA_TYPE = "application/json"
_PARAMETER = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class Operation:
    path: str
    method: str  # lower case, as the document spells it
    spec: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def has_path_parameters(self) -> bool:
        return "{" in self.path


async def fetch_document(client: httpx.AsyncClient, rule: str) -> dict[str, Any]:
    """The app's `/openapi.json`; a check that cannot read it is blocked (by `rule`)."""
    response = await client.get("/openapi.json")
    if response.status_code != 200:
        raise Blocked(rule, f"GET /openapi.json answered {response.status_code}")
    document = json_body(response)
    if not isinstance(document, dict):
        raise Blocked(rule, "GET /openapi.json did not answer a JSON object")
    return document


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    """Every operation, in the document's order of paths, then in the order of `HTTP_METHODS`."""
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            spec = item.get(method) if isinstance(item, dict) else None
            if isinstance(spec, dict):
                yield Operation(path, method, spec)


def resolve(document: dict[str, Any], schema: Any) -> Any:
    """Follow local `$ref`s until a schema that is not a reference."""
    seen: set[str] = set()
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        reference = schema["$ref"]
        if not reference.startswith("#/") or reference in seen:
            return schema
        seen.add(reference)
        node: Any = document
        for part in reference[2:].split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            node = node.get(key) if isinstance(node, dict) else None
        schema = node
    return schema


def json_body_schema(document: dict[str, Any], operation: Operation) -> dict[str, Any] | None:
    """The resolved JSON schema of the operation's request body, if it takes a JSON body."""
    body = resolve(document, operation.spec.get("requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    media = content.get(JSON_MEDIA_TYPE) if isinstance(content, dict) else None
    schema = resolve(document, media.get("schema")) if isinstance(media, dict) else None
    return schema if isinstance(schema, dict) else None


def parameters(document: dict[str, Any], operation: Operation) -> list[dict[str, Any]]:
    """The operation's parameters (path, query, header, cookie), references followed."""
    found = []
    for parameter in operation.spec.get("parameters") or []:
        resolved = resolve(document, parameter)
        if isinstance(resolved, dict) and isinstance(resolved.get("name"), str):
            found.append(resolved)
    return found


def with_dummy_parameters(path: str) -> str:
    """The path with every `{parameter}` replaced by `1`, so that a route matches it."""
    return _PARAMETER.sub("1", path)
