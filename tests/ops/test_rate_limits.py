"""Per-user rate limits: a clear 429 in the core error shape, with Retry-After; one user's limit is not another's."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.fixtures.people import api_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_too_many_api_requests_get_a_429_in_the_core_error_shape(owner_api, settings):
    settings.API_RATE_LIMIT = "3/min"
    assert [owner_api.get("/api/runs/").status_code for _ in range(3)] == [200, 200, 200]
    response = owner_api.get("/api/runs/")
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    error = response.json()["error"]
    assert error["code"] == "throttled" and error["message"].startswith("Too many requests: please wait")
    assert error["details"]["retry_after_s"] == int(response["Retry-After"])


def test_one_users_limit_does_not_touch_another(owner_api, teammate, settings):
    settings.API_RATE_LIMIT = "2/min"
    for _ in range(3):
        owner_api.get("/api/runs/")
    assert api_client_for(teammate).get("/api/runs/").status_code == 200


def test_starting_runs_has_its_own_tighter_limit_and_reading_does_not_use_it(owner_api, settings):
    settings.RUN_START_RATE_LIMIT = "2/min"
    body = {"photos": ["0" * 64], "question": "?"}
    assert [owner_api.post("/api/runs/create/", body, format="json").status_code for _ in range(2)] == [400, 400]
    response = owner_api.post("/api/runs/create/", body, format="json")
    assert response.status_code == 429 and response.json()["error"]["code"] == "throttled"
    assert owner_api.get("/api/runs/").status_code == 200
    batch = owner_api.post("/api/batches/create/", {"task": "describe", "photos": ["0" * 64]}, format="json")
    assert batch.status_code == 429


def test_an_empty_rate_turns_a_limit_off(owner_api, settings):
    settings.API_RATE_LIMIT = ""
    assert all(owner_api.get("/api/runs/").status_code == 200 for _ in range(5))


def test_a_malformed_rate_stops_start_up_with_the_variables_name(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from core.env import env_rate

    monkeypatch.setenv("RUN_START_RATE_LIMIT", "lots")
    with pytest.raises(ImproperlyConfigured, match="RUN_START_RATE_LIMIT"):
        env_rate("RUN_START_RATE_LIMIT", "60/min")
