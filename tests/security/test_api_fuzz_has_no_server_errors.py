"""Every operation in the OpenAPI schema, called with a plausible request and with broken ones: never a 500.

Refusals use the one error shape, with a message for people. The schema itself names every body uniquely.
"""

from __future__ import annotations

import pytest

from tests.security.openapi_fuzz import (
    Context,
    Operation,
    area,
    call,
    cases,
    is_server_error,
    openapi_schema,
    operations,
)

OPERATIONS = operations()
CASES_PER_OPERATION = 12
AREAS = sorted({area(op) for op in OPERATIONS})


@pytest.mark.parametrize("name", AREAS)
def test_no_operation_answers_with_a_server_error(world, name):
    client, ctx = world
    failures = []
    for op in [op for op in OPERATIONS if area(op) == name]:
        failures += fuzz(client, ctx, op)
    assert not failures, "\n".join(failures)


def fuzz(client, ctx: Context, op: Operation) -> list[str]:
    failures = []
    for path, query, body in cases(op, ctx, CASES_PER_OPERATION):
        response = call(client, op, path, query, body)
        summary = f"{op.method} {path[:120]} body={str(body)[:200]!r} -> {response.status_code}"
        if is_server_error(response):
            failures.append(f"{summary}: {response.content[:300]!r}")
        elif response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
            error = response.json().get("error", {})
            if not (isinstance(error.get("message"), str) and error["message"]):
                failures.append(f"{summary}: no readable error message: {response.content[:300]!r}")
    return failures


def test_the_fuzzer_reaches_real_objects(world):
    _, ctx = world
    assert {"site", "equipment", "classroom", "student"} <= set(ctx.ids), ctx.ids


def test_every_request_body_in_the_schema_has_a_component_of_its_own():
    """Serializers nested in views are all called InputSerializer: the schema must not merge them into one."""
    seen: dict[str, str] = {}
    for op in OPERATIONS:
        content = (op.spec.get("requestBody") or {}).get("content") or {}
        for media in content.values():
            ref = media["schema"].get("$ref")
            if ref:
                assert seen.setdefault(ref, op.path.split("{")[0]) == op.path.split("{")[0] or _same_view(op, ref), (
                    f"{op.id} shares its body schema {ref} with {seen[ref]}"
                )
    assert "Input" not in openapi_schema()["components"]["schemas"]


def _same_view(op: Operation, ref: str) -> bool:
    """PUT/PATCH of one resource, or one view's serializer reused by design, may share a component."""
    return not ref.endswith("/Input")
