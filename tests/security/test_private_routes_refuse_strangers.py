"""Every URL of the project, walked from the URL resolver: an anonymous visitor gets a login redirect or a 401/403,
and a logged-in outsider (a team lead of another team, who may open every app) sees none of the team's records.

A route added later is covered without touching this file. Pages and APIs of one team are filled with the ids of
real objects made through the API (the `world` fixture), so the checks reach the lookups, not only the URL parser.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from core.models import Role
from tests.fixtures.people import make_user
from tests.security.routes import all_routes, missing_ids, private_routes

MARKER = "fuzz "  # every text the world's objects were made with starts with it


@pytest.fixture
def stranger(other_team):
    """A team lead of another team: every app opens for them, none of this team's records may."""
    client = Client()
    client.force_login(make_user("lars", other_team, role=Role.TEAM_LEAD))
    return client


def test_an_anonymous_visitor_is_sent_to_log_in_everywhere_but_the_public_routes(record_ids, client):
    values = record_ids
    checked, failures = 0, []
    for route in private_routes():
        url = route.url(values) or route.url(missing_ids(route))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            checked += 1
            refused = response.status_code in (401, 403, 404, 405) or (
                response.status_code == 302 and "/login/" in response["Location"]
            )
            if not refused:
                failures.append(f"{method.upper()} {url} ({route.name}) -> {response.status_code}")
    assert checked > 40 and not failures, "\n".join(failures)


def test_an_outsider_gets_not_found_for_every_record_of_another_team(record_ids, stranger):
    """Read with GET, act with the write methods where GET is not allowed. A refusal must not reveal that the
    record exists: anything but 403/404 must be exactly what the same request gets for an id that does not exist."""
    values = record_ids
    checked, failures = 0, []
    for route in all_routes():
        if not route.params or (url := route.url(values)) is None:
            continue
        status = knock(stranger, url)
        missing = knock(stranger, route.url({**values, **missing_ids(route)}))
        checked += 1
        if 200 <= status < 300 or (status not in (403, 404) and status != missing):
            failures.append(f"{url} ({route.name}) -> {status} (a missing record -> {missing})")
    assert checked >= 25 and not failures, "\n".join(failures)


def knock(client: Client, url: str) -> int:
    """The first method the route allows: GET, else POST, PUT, PATCH, DELETE (with an empty JSON body)."""
    response = client.get(url)
    for method in ("post", "put", "patch", "delete"):
        if response.status_code != 405:
            break
        response = getattr(client, method)(url, b"{}", content_type="application/json")
    return response.status_code


def test_an_outsiders_lists_and_pages_show_nothing_of_another_team(world, stranger):
    _, ctx = world
    checked, failures = 0, []
    for route in all_routes():
        if route.params or route.name in ("logout", "metrics"):
            continue
        response = stranger.get("/" + route.pattern)
        checked += 1
        body = response.content.decode(errors="replace")
        if response.status_code == 200 and (MARKER in body or ctx.photo_sha in body):
            failures.append(f"GET /{route.pattern} ({route.name}) shows another team's records")
    assert checked >= 15 and not failures, "\n".join(failures)


def test_the_public_routes_are_few_and_say_nothing_about_records(world, client):
    public = [r for r in all_routes() if r.name in ("login", "health", "api-schema")]
    for route in public:
        response = client.get("/" + route.pattern)
        assert response.status_code == 200
        assert MARKER not in response.content.decode(errors="replace")
    health = json.loads(client.get("/healthz").content)
    assert set(health) == {"app", "engine", "model"}
