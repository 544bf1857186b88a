"""1 MB of text, and hostile Unicode, in every text field of every API body: a clear 4xx or a faithful save.

The fields come from the OpenAPI schema, so an endpoint added later is covered without touching this file.
"""

from __future__ import annotations

import json
import random

import pytest

from core.models import Run
from tests.security.openapi_fuzz import (
    HOSTILE_TEXT,
    MEGABYTE_TEXT,
    Context,
    Operation,
    area,
    call,
    is_server_error,
    operations,
    path_for,
    plausible_body,
    request_body,
    resolve,
    string_properties,
)

TEXT_OPERATIONS = [op for op in operations() if request_body(op) and string_properties(request_body(op)[1])]
AREAS = sorted({area(op) for op in TEXT_OPERATIONS})


def filled_path(op: Operation, ctx: Context) -> str:
    return path_for(op, ctx, random.Random(op.id))


def readable_refusal(response) -> bool:
    if not 400 <= response.status_code < 500 or not response.get("Content-Type", "").startswith("application/json"):
        return False
    message = response.json().get("error", {}).get("message")
    return isinstance(message, str) and 0 < len(message) < 2000


@pytest.mark.parametrize("name", AREAS)
def test_a_megabyte_in_any_text_field_is_a_clear_refusal(world, name):
    client, ctx = world
    failures, tried = [], 0
    for op in [op for op in TEXT_OPERATIONS if area(op) == name]:
        schema = request_body(op)[1]
        for field in string_properties(schema):
            body = plausible_body(schema, ctx, random.Random(op.id), minimal=True) | {field: MEGABYTE_TEXT}
            response = call(client, op, filled_path(op, ctx), {}, body)
            tried += 1
            if not readable_refusal(response):
                failures.append(f"{op.id} {field}: {response.status_code} {response.content[:200]!r}")
    assert tried and not failures, "\n".join(failures)


@pytest.mark.parametrize("name", AREAS)
def test_hostile_unicode_in_any_text_field_is_saved_or_refused_never_a_crash(world, name):
    client, ctx = world
    failures = []
    for op in [op for op in TEXT_OPERATIONS if area(op) == name]:
        schema = request_body(op)[1]
        for field in string_properties(schema):
            limit = resolve(schema["properties"][field]).get("maxLength", 4000)
            for text in HOSTILE_TEXT:
                body = plausible_body(schema, ctx, random.Random(op.id), minimal=True) | {field: text[:limit]}
                response = call(client, op, filled_path(op, ctx), {}, body)
                if is_server_error(response):
                    failures.append(f"{op.id} {field}={text[:20]!r}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_hostile_question_is_stored_exactly_and_read_back_unchanged(world):
    client, ctx = world
    for text in HOSTILE_TEXT:
        response = client.post("/api/runs/create/", {"photos": [ctx.photo_sha], "question": text}, format="json")
        assert response.status_code == 202, response.content
        run = Run.objects.get(id=response.json()["id"])
        assert run.params["fields"]["question"] == text.strip()


def test_a_megabyte_question_names_the_field_and_the_limit(world):
    client, ctx = world
    response = client.post("/api/runs/create/", {"photos": [ctx.photo_sha], "question": MEGABYTE_TEXT}, format="json")
    assert response.status_code == 400
    details = response.json()["error"]["details"]["fields"]
    assert "4000" in details["question"][0]
    assert len(response.content) < 2000, "the refusal must not echo the megabyte back"


def test_a_lone_surrogate_or_nul_in_a_question_is_refused_and_the_answer_is_valid_utf8(world):
    client, ctx = world
    for raw in (b'"\\ud800"', b'"a\\u0000b"'):
        body = b'{"photos": ["' + ctx.photo_sha.encode() + b'"], "question": ' + raw + b"}"
        response = client.generic("POST", "/api/runs/create/", body, content_type="application/json")
        assert response.status_code == 400
        response.content.decode("utf-8")
    body = b'{"photos": ["' + ctx.photo_sha.encode() + b'"], "question": "q", "activity": "\\ud800"}'
    response = client.generic("POST", "/api/runs/create/", body, content_type="application/json")
    assert response.status_code == 400 and json.loads(response.content)["error"]["details"]["fields"]["activity"]
