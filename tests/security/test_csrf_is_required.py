"""A logged-in browser's cookies are not enough to change anything: every POST without the CSRF token is refused,
on every route of the project (forms, the API with session login, logout), and the same POST with it goes through.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from core.models import Role
from tests.fixtures.people import PASSWORD, make_user
from tests.security.routes import all_routes, missing_ids


@pytest.fixture
def browser_of_adele(world):
    """The world's user in a browser-like client that checks CSRF, as real browsers' requests are checked."""
    client = Client(enforce_csrf_checks=True)
    client.login(username="adele", password=PASSWORD)
    return client


def test_every_post_without_the_csrf_token_is_refused(record_ids, browser_of_adele):
    checked, failures = 0, []
    for route in all_routes():
        url = route.url(record_ids) or route.url(missing_ids(route))
        for method in ("post", "put", "patch", "delete"):
            response = getattr(browser_of_adele, method)(url, b"{}", content_type="application/json")
            if response.status_code == 405:
                continue
            checked += 1
            if response.status_code != 403:
                failures.append(f"{method.upper()} {url} ({route.name}) without a token -> {response.status_code}")
            elif "csrf" not in response.content.decode(errors="replace").lower():
                failures.append(f"{method.upper()} {url} ({route.name}) refused, but not for CSRF")
    assert checked >= 30 and not failures, "\n".join(failures)


def test_the_login_form_itself_needs_the_token(db, team):
    make_user("una", team, role=Role.INSPECTOR)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "una", "password": PASSWORD})
    assert response.status_code == 403 and "_auth_user_id" not in client.session


def test_the_same_post_with_the_token_goes_through(world, browser_of_adele):
    _, ctx = world
    page = browser_of_adele.get("/ask/")
    token = browser_of_adele.cookies["csrftoken"].value
    assert re.search(r"csrftoken|csrfmiddlewaretoken", page.content.decode()) or token

    body = {"photos": [ctx.photo_sha], "question": "With the token?"}
    refused = browser_of_adele.post("/api/runs/create/", body, content_type="application/json")
    accepted = browser_of_adele.post("/api/runs/create/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert accepted.status_code == 202


def test_logging_out_needs_the_token_so_a_foreign_page_cannot_log_people_out(world, browser_of_adele):
    assert browser_of_adele.post("/logout/").status_code == 403
    assert browser_of_adele.get("/ask/").status_code == 200
