"""A small schema-driven fuzzer: every operation of the project's OpenAPI schema, called with plausible bodies and
with broken ones (wrong types, boundary numbers, huge and hostile strings, missing and unknown fields).

It does what schemathesis's "no server errors" check does, with fixed seeds so a failure reproduces exactly.
Path parameters are filled with ids of real objects, made first through the API's own create endpoints, so the
requests reach the code behind the lookups and not only the 404s.
"""

from __future__ import annotations

import functools
import json
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from drf_spectacular.generators import SchemaGenerator

MEGABYTE_TEXT = "x" * (1024 * 1024)
HOSTILE_TEXT = (
    "\u202egnp.exe",  # right-to-left override
    "a\u200b\u200d\ufeffb",  # zero-width characters
    "Z\u0351\u0352\u0353\u0354\u0355" * 40,  # stacked combining marks
    "👩‍👩‍👧‍👦🏳️‍🌈" * 30,  # emoji sequences
    "测试 テスト 시험 اختبار",
    "'; DROP TABLE core_run; --",
    "<script>window.__pwned=1</script>",
    "{{ settings.SECRET_KEY }} {% debug %}",
    "%s %n %x {0} {question}",
    "../../../../etc/passwd",
    "\r\n\r\nX-Injected: 1",
)
WRONG_TYPES = (None, True, 0, -1, 1.5, 2**63, 10**30, 1e308, "", "text", [], [1, "a"], {}, {"a": {"b": [None]}})


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # with {name} placeholders
    spec: dict[str, Any] = field(repr=False, hash=False, compare=False)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)


@functools.cache
def openapi_schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations() -> list[Operation]:
    paths = openapi_schema()["paths"]
    return [Operation(method.upper(), path, spec) for path, ops in paths.items() for method, spec in ops.items()]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    components = openapi_schema()["components"]["schemas"]
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in schema:
            options = [resolve(s) for s in schema[combined] if resolve(s).get("type") != "null"]
            merged = {k: v for k, v in schema.items() if k != combined}
            return {**(options[0] if options else {}), **merged}
    return schema


def request_body(op: Operation) -> tuple[str, dict[str, Any]] | None:
    """(content type, object schema) of the operation's body; JSON preferred."""
    content = (op.spec.get("requestBody") or {}).get("content") or {}
    for content_type in ("application/json", "multipart/form-data"):
        if content_type in content:
            return content_type, resolve(content[content_type]["schema"])
    return None


def string_properties(schema: dict[str, Any]) -> list[str]:
    props = schema.get("properties", {})
    return [name for name, prop in props.items() if _is_text(resolve(prop))]


def _is_text(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "string" and "enum" not in prop and prop.get("format") not in {"binary", "uuid", "date"}


class Context:
    """What the fuzzer knows of the world: ids of real objects by resource name, and a photo's hash."""

    def __init__(self, photo_sha: str, team_id: int) -> None:
        self.photo_sha = photo_sha
        self.ids: dict[str, Any] = {"team": team_id, "photo": photo_sha}

    def id_for(self, param: str) -> Any:
        return self.ids.get(param.removesuffix("_id"))


def plausible(schema: dict[str, Any], name: str, ctx: Context, rng: random.Random) -> Any:
    """A value the endpoint could accept: enums from the enum, ids of real objects, real photos."""
    schema = resolve(schema)
    kind = schema.get("type")
    if "enum" in schema:
        return rng.choice([v for v in schema["enum"] if v not in (None, "")] or [None])
    if name == "photos":
        return [ctx.photo_sha]
    known = ctx.ids.get(name.removesuffix("_id"))
    if known is not None:
        return known
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    if kind == "array":
        count = max(schema.get("minItems", 1), 1)
        return [plausible(schema.get("items", {}), name, ctx, rng) for _ in range(count)]
    if kind == "object":
        return {}
    return _plausible_string(schema, name)


def _plausible_string(schema: dict[str, Any], name: str) -> str:
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return "2024-05-17"
    if fmt == "date-time":
        return "2024-05-17T10:00:00Z"
    limit = schema.get("maxLength", 24)
    return f"fuzz {name}"[:limit] or "x"


USEFUL = {"question": "What is shown?", "task": "describe", "fields": {"question": "What is shown?"}}


def plausible_body(
    schema: dict[str, Any], ctx: Context, rng: random.Random, *, minimal: bool = False
) -> dict[str, Any]:
    """Required fields, useful ones, and (unless minimal) a random half of the optional ones."""
    props = schema.get("properties", {})
    body: dict[str, Any] = {}
    for name, prop in props.items():
        if _is_file(resolve(prop)) or resolve(prop).get("readOnly"):
            continue
        if name in USEFUL:
            body[name] = USEFUL[name]
        elif _wanted(name, schema, ctx) or not minimal and rng.random() < 0.5:
            body[name] = plausible(prop, name, ctx, rng)
    return body


def _wanted(name: str, schema: dict[str, Any], ctx: Context) -> bool:
    return name in schema.get("required", []) or name in ctx.ids or name == "photos"


def _is_file(prop: dict[str, Any]) -> bool:
    return prop.get("format") == "binary" or resolve(prop.get("items", {})).get("format") == "binary"


def hostile_value(schema: dict[str, Any], rng: random.Random) -> Any:
    schema = resolve(schema)
    kind = schema.get("type")
    if kind == "string" and rng.random() < 0.6:
        limit = schema.get("maxLength")
        choices = [*HOSTILE_TEXT, MEGABYTE_TEXT, "\x00", "\ud800"]
        if limit:
            choices.append("y" * (limit + 1))
        return rng.choice(choices)
    if kind in ("integer", "number") and rng.random() < 0.6:
        return rng.choice([-1, 0, -(2**63), 2**63, 2**31, 10**30, 1e308, -1e308, 0.5, "12", "1e9"])
    if kind == "array" and rng.random() < 0.5:
        return rng.choice([[None] * 3, [[[]]], ["x"] * 10_000, [{"a": 1}]])
    return rng.choice(WRONG_TYPES)


def mutated_body(schema: dict[str, Any], ctx: Context, rng: random.Random) -> Any:
    body = plausible_body(schema, ctx, rng)
    props = schema.get("properties", {})
    roll = rng.random()
    if roll < 0.55 and props:
        name = rng.choice(sorted(props))
        body[name] = hostile_value(props[name], rng)
    elif roll < 0.7 and schema.get("required"):
        body.pop(rng.choice(schema["required"]), None)
    elif roll < 0.8:
        body["unexpected_" + str(rng.randrange(100))] = {"nested": [MEGABYTE_TEXT[:1000]] * 50}
    elif roll < 0.9:
        return rng.choice([[body], "body", 42, None])
    else:
        for name in list(body):
            body[name] = hostile_value(props.get(name, {}), rng)
    return body


def path_for(op: Operation, ctx: Context, rng: random.Random, *, real_ids: bool = True) -> str:
    path = op.path
    for param in op.path_params:
        known = ctx.id_for(param) if real_ids else None
        if known is None:
            spec = next((p for p in op.spec.get("parameters", []) if p["name"] == param), {})
            is_uuid = spec.get("schema", {}).get("format") == "uuid"
            known = uuid.uuid4() if is_uuid else rng.choice([0, 1, 999_999, 2**31, 2**63 - 1])
        path = path.replace("{" + param + "}", str(known))
    return path


def query_for(op: Operation, rng: random.Random) -> dict[str, str]:
    params = [p for p in op.spec.get("parameters", []) if p["in"] == "query"]
    return {p["name"]: rng.choice([*HOSTILE_TEXT, "", "1", "x" * 5000]) for p in params}


def cases(op: Operation, ctx: Context, count: int) -> Iterator[tuple[str, dict[str, str], Any]]:
    """(path, query, body) triples: first a plausible call, then broken ones; seeded by the operation."""
    rng = random.Random(op.id)
    body_spec = request_body(op)
    for index in range(count):
        real_ids = index % 4 != 3
        path = path_for(op, ctx, rng, real_ids=real_ids)
        query = query_for(op, rng) if index else {}
        if body_spec is None:
            yield path, query, None
        elif index == 0:
            yield path, query, plausible_body(body_spec[1], ctx, rng)
        else:
            yield path, query, mutated_body(body_spec[1], ctx, rng)


SINGULAR = {"classes": "classroom", "equipment": "equipment", "rows": "finding", "batches": "batch"}


def resource_made_by(op: Operation) -> str | None:
    """'/inspection/api/sites/create/' -> 'site': what a create endpoint (or a POST to a collection) makes."""
    if op.method != "POST":
        return None
    segments = [s for s in op.path.split("/") if s]
    if segments[-1] in ("create", "start", "extract"):
        plural = segments[-2]
    elif segments[-1] == "rows":
        plural = "rows"
    else:
        return None
    return SINGULAR.get(plural, plural.removesuffix("s"))


def call(client, op: Operation, path: str, query: dict[str, str], body: Any):
    if query:
        path += "?" + urlencode(query)
    spec = request_body(op)
    if body is None or spec is None:
        return client.generic(op.method, path)
    if spec[0] == "multipart/form-data" and isinstance(body, dict):
        flat = {k: v if isinstance(v, (str, int, float, list)) else json.dumps(v) for k, v in body.items()}
        return client.generic(op.method, path, **_multipart(flat))
    return client.generic(op.method, path, json.dumps(body), content_type="application/json")


def _multipart(data: dict[str, Any]) -> dict[str, Any]:
    clean = {k: [str(i) for i in v] if isinstance(v, list) else str(v) for k, v in data.items() if v is not None}
    return {"data": encode_multipart(BOUNDARY, clean), "content_type": MULTIPART_CONTENT}


def seed_objects(client, ctx: Context) -> None:
    """Make one of everything the API can make, in the order their paths allow, remembering the ids."""
    creators = [(op, resource_made_by(op)) for op in operations()]
    creators = [(op, name) for op, name in creators if name and request_body(op)]
    for _ in range(3):
        for op, name in creators:
            if name in ctx.ids or any(ctx.id_for(p) is None for p in op.path_params):
                continue
            path = op.path
            for param in op.path_params:
                path = path.replace("{" + param + "}", str(ctx.id_for(param)))
            body = plausible_body(request_body(op)[1], ctx, random.Random(name), minimal=True)
            response = call(client, op, path, {}, body)
            if response.status_code < 300 and isinstance(response.json(), dict) and "id" in response.json():
                ctx.ids[name] = response.json()["id"]


def area(op: Operation) -> str:
    """'/api/runs/...' -> 'api/runs', '/inspection/api/...' -> 'inspection': who owns the code behind it."""
    parts = op.path.strip("/").split("/")
    return "/".join(parts[:2]) if parts[0] == "api" else parts[0]


def is_server_error(response: Any) -> bool:
    """A 5xx, except a deliberate 503 ("busy", "still loading") in the one error shape, which says when to retry."""
    if response.status_code < 500:
        return False
    if response.status_code == 503 and response.get("Content-Type", "").startswith("application/json"):
        return not response.json().get("error", {}).get("message")
    return True
