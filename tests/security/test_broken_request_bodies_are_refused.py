"""Broken JSON, JSON of the wrong shape and lying content types, sent to every endpoint that takes a body.

Each is answered with a 4xx in the one error shape (a sentence for people), never a 500.
"""

from __future__ import annotations

import random

import pytest

from tests.security.broken_bodies import BROKEN_BODIES
from tests.security.openapi_fuzz import area, operations, path_for, request_body

BODY_OPERATIONS = [op for op in operations() if request_body(op)]
AREAS = sorted({area(op) for op in BODY_OPERATIONS})


@pytest.mark.parametrize("name", AREAS)
def test_a_broken_body_is_a_clear_refusal_at_every_endpoint(world, name):
    client, ctx = world
    failures, tried = [], 0
    for op in [op for op in BODY_OPERATIONS if area(op) == name]:
        path = path_for(op, ctx, random.Random(op.id))
        for body in BROKEN_BODIES:
            response = client.generic(op.method, path, body.data, content_type=body.content_type)
            tried += 1
            if not 400 <= response.status_code < 500:
                failures.append(f"{op.id} <- {body.name}: {response.status_code} {response.content[:200]!r}")
            elif not response.json().get("error", {}).get("message"):
                failures.append(f"{op.id} <- {body.name}: no readable message {response.content[:200]!r}")
    assert tried and not failures, "\n".join(failures)


def test_json_nested_too_deep_to_parse_is_named_as_such(owner_api):
    body = next(b for b in BROKEN_BODIES if b.name == "nested 100000 deep")
    response = owner_api.generic("POST", "/api/runs/create/", body.data, content_type=body.content_type)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The request is nested too deeply to read."


def test_the_wrong_content_type_is_named_as_such(owner_api):
    response = owner_api.generic("POST", "/api/runs/create/", b"{}", content_type="text/plain")
    assert response.status_code == 415 and "text/plain" in response.json()["error"]["message"]


def test_a_body_over_the_request_limit_is_refused_without_reading_it_into_a_model(owner_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = b'{"photos": ["a"], "question": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = owner_api.generic("POST", "/api/runs/create/", body, content_type="application/json")
    assert 400 <= response.status_code < 500 and response.json()["error"]["message"]
