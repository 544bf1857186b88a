"""Repeated wrong passwords pause logins for that username from that address, on every way in."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.fixtures.people import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def few_attempts(settings):
    cache.clear()
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    yield
    cache.clear()


def login(client, username, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_after_too_many_failures_even_the_right_password_is_refused_with_a_clear_message(client, owner):
    for _ in range(3):
        assert login(client, owner.username, "wrong").status_code == 200
    response = login(client, owner.username, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page and "try again in 10 minutes" in page
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock_and_a_success_resets_the_count(client, owner):
    login(client, owner.username, "wrong")
    login(client, owner.username, "wrong")
    assert login(client, owner.username, PASSWORD).status_code == 302
    client.logout()
    login(client, owner.username, "wrong")
    login(client, owner.username, "wrong")
    assert login(client, owner.username, PASSWORD).status_code == 302


def test_the_lock_is_per_username_and_address(client, owner, teammate):
    for _ in range(3):
        login(client, owner.username, "wrong")
    assert login(client, owner.username, PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert login(client, teammate.username, PASSWORD).status_code == 302


def test_the_lock_ends_after_its_time(client, owner, monkeypatch):
    import time

    from core import login_throttle

    for _ in range(3):
        login(client, owner.username, "wrong")
    assert login(client, owner.username, PASSWORD).status_code == 429
    later = time.time() + 601
    monkeypatch.setattr(login_throttle, "_now", lambda: later)
    assert login(client, owner.username, PASSWORD).status_code == 302


def test_the_api_token_endpoint_answers_429_in_the_core_error_shape(owner):
    api = APIClient(REMOTE_ADDR="10.0.0.9")
    for _ in range(3):
        assert api.post("/api/auth/token/", {"username": owner.username, "password": "x"}).status_code == 400
    response = api.post("/api/auth/token/", {"username": owner.username, "password": PASSWORD})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    error = response.json()["error"]
    assert error["code"] == "throttled" and "Too many failed logins" in error["message"]


def test_the_admin_login_is_paused_too(client, admin_user):
    for _ in range(3):
        client.post("/admin/login/", {"username": admin_user.username, "password": "x"}, REMOTE_ADDR="10.0.0.3")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin_user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.3"
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
