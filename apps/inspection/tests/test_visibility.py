"""An inspection is seen by its team only: an outsider cannot list, open, stream or export it (404, never 403)."""

from __future__ import annotations

import datetime as dt

import pytest
from channels.db import database_sync_to_async

from apps.inspection.services import inspection_create
from apps.inspection.tests.conftest import read, row, upload
from apps.inspection.tests.factories import SiteFactory
from tests.fixtures.people import api_client_for


def test_the_owner_and_a_teammate_see_the_report(owner_api, teammate, inspection):
    read(inspection, [row()])
    for api in (owner_api, api_client_for(teammate)):
        body = api.get(f"/inspection/api/inspections/{inspection.id}/").json()
        assert body["rows"][0]["tag"] == "PT-203" and body["rows"][0]["box"] == [80, 120, 320, 360]
        assert [i["id"] for i in api.get("/inspection/api/inspections/").json()] == [inspection.id]


def test_an_outsider_cannot_list_or_read_the_report(outsider_api, inspection):
    assert outsider_api.get("/inspection/api/inspections/").json() == []
    response = outsider_api.get(f"/inspection/api/inspections/{inspection.id}/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_an_outsider_cannot_open_the_report_page_or_its_photos(client, outsider, inspection):
    client.force_login(outsider)
    assert client.get(f"/inspection/{inspection.id}/").status_code == 404
    assert str(inspection.site) not in client.get("/inspection/").content.decode()
    for photo in inspection.photos.all():
        assert client.get(f"/photos/{photo.sha256}/").status_code == 404


def test_an_outsider_cannot_start_an_inspection_on_another_teams_site_or_photos(outsider_api, outsider, site, photos):
    body = {"site": site.id, "photos": [p.sha256 for p in photos]}
    assert outsider_api.post("/inspection/api/inspections/create/", body, format="json").status_code == 404
    own_site = SiteFactory.create(team=outsider.memberships.get().team)
    response = outsider_api.post(
        "/inspection/api/inspections/create/", {"site": own_site.id, "photos": body["photos"]}, format="json"
    )
    assert response.status_code == 400 and "Unknown photo" in response.json()["error"]["message"]


def test_the_run_of_an_inspection_belongs_to_the_inspectors_team(owner, team, inspection):
    assert inspection.team == team and inspection.inspector == owner
    assert inspection.run.team == team and inspection.run.created_by == owner


@pytest.mark.django_db(transaction=True)
async def test_an_outsider_cannot_stream_the_reading(owner, outsider, team):
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator

    from core.routing import websocket_urlpatterns

    def create():
        site = SiteFactory.create(team=team)
        return inspection_create(user=owner, site=site, date=dt.date(2025, 1, 2), photos=[upload(owner, seed=9)])

    inspection = await database_sync_to_async(create)()
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/runs/{inspection.run_id}/")
    communicator.scope["user"] = outsider
    connected, code = await communicator.connect(timeout=15)
    assert not connected and code == 4404
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/runs/{inspection.run_id}/")
    communicator.scope["user"] = owner
    connected, _ = await communicator.connect(timeout=15)
    assert connected and (await communicator.receive_json_from())["type"] == "snapshot"
    await communicator.disconnect()
