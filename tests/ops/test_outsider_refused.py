"""Someone from another team is refused on every kind of route: page, API, websocket, media, export, metrics.
Records answer "not found" (their existence does not leak); admin-only pages answer "forbidden"."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from core.routing import websocket_urlpatterns
from core.services.batches import batches_tick
from tests.fixtures.people import api_client_for
from tests.ops.batches import make_batch


@pytest.fixture
def batch(owner):
    batch = make_batch(owner, 2, seed=300, name="Secret roof survey")
    batches_tick()  # the items become runs, so their runs and photos exist too
    return batch


def record_urls(batch) -> dict[str, list[str]]:
    item = batch.items.select_related("photo", "run").first()
    return {
        "page": [f"/batches/{batch.id}/", f"/runs/{item.run.id}/"],
        "media": [f"/photos/{item.photo.sha256}/", f"/photos/{item.photo.sha256}/thumb/"],
        "export": [f"/batches/{batch.id}/export.csv"],
        "api": [f"/api/batches/{batch.id}/", f"/api/runs/{item.run.id}/"],
        "api_post": [
            f"/api/batches/{batch.id}/pause/",
            f"/api/batches/{batch.id}/cancel/",
            f"/api/batches/{batch.id}/retry-failed/",
            f"/api/runs/{item.run.id}/cancel/",
        ],
    }


@pytest.mark.django_db
def test_an_outsider_gets_not_found_for_another_teams_records(client, batch, outsider):
    urls = record_urls(batch)
    client.force_login(outsider)
    for kind in ("page", "media", "export"):
        for url in urls[kind]:
            response = client.get(url)
            assert response.status_code == 404, url
            assert batch.name.encode() not in response.content and b"describe" not in response.content
    api = api_client_for(outsider)
    for url in urls["api"]:
        assert api.get(url).json()["error"]["code"] == "not_found", url
    for url in urls["api_post"]:
        assert api.post(url).status_code == 404, url
    assert api.get("/api/batches/").json() == []
    batch.refresh_from_db()
    assert batch.status == "running"


@pytest.mark.django_db
def test_an_outsider_cannot_use_another_teams_photos_in_a_batch(batch, outsider):
    sha = batch.items.first().photo.sha256
    body = {"task": "describe", "fields": {"question": "?"}, "photos": [sha]}
    response = api_client_for(outsider).post("/api/batches/create/", body, format="json")
    assert response.status_code == 400 and response.json()["error"]["details"]["photos"] == [sha]


@pytest.mark.django_db
def test_a_non_admin_is_refused_the_operations_page_its_data_and_the_metrics(client, outsider, team_lead):
    for user in (outsider, team_lead):
        client.force_login(user)
        assert client.get("/ops/").status_code == 403
        assert client.get("/ops/data/").status_code == 403
        assert client.get("/metrics").status_code == 403


@pytest.mark.django_db
def test_an_anonymous_visitor_is_refused_everywhere(client, batch):
    urls = record_urls(batch)
    for url in [*urls["page"], *urls["media"], *urls["export"], "/ops/", "/batches/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    for url in urls["api"]:
        assert client.get(url).status_code in (401, 403), url
    assert client.get("/metrics").status_code == 401


@pytest.mark.django_db
def test_the_team_and_admins_do_see_the_records(client, batch, teammate, team_lead, admin_user):
    urls = record_urls(batch)
    for user in (teammate, team_lead, admin_user):
        client.force_login(user)
        for url in [*urls["page"], *urls["media"], *urls["export"]]:
            assert client.get(url).status_code == 200, (user, url)


async def open_socket(user, run_id):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/runs/{run_id}/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=15)
    await communicator.disconnect()
    return connected, code


@pytest.mark.django_db(transaction=True)
async def test_an_outsider_and_an_anonymous_visitor_cannot_open_a_batch_runs_stream(owner, outsider, teammate):
    batch = await database_sync_to_async(make_batch)(owner, 1, seed=310)
    await database_sync_to_async(batches_tick)()
    run_id = await database_sync_to_async(lambda: batch.items.get().run_id)()
    assert await open_socket(outsider, run_id) == (False, 4404)
    assert await open_socket(AnonymousUser(), run_id) == (False, 4401)
    assert (await open_socket(teammate, run_id))[0] is True
