"""The core's own ways in, tried by an outsider: websockets, another team's id in a request, another team's photo."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from core.consumers import CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED
from core.models import Run, Upload
from core.routing import websocket_urlpatterns
from tests.fixtures.runs import create_describe_run
from tests.images import jpeg_bytes


async def close_code(user, run_id) -> int | None:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/runs/{run_id}/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=15)
    await communicator.disconnect()
    return None if connected else code


@pytest.mark.django_db(transaction=True)
async def test_a_run_stream_is_closed_to_outsiders_and_anonymous_visitors(owner, outsider, teammate):
    run = await database_sync_to_async(create_describe_run)(owner, seed=121)

    assert await close_code(outsider, run.id) == CLOSE_NOT_FOUND
    assert await close_code(AnonymousUser(), run.id) == CLOSE_UNAUTHENTICATED
    assert await close_code(teammate, run.id) is None


@pytest.mark.django_db(transaction=True)
async def test_a_stream_for_a_run_that_does_not_exist_looks_the_same_as_a_foreign_one(outsider):
    assert await close_code(outsider, "00000000-0000-4000-8000-000000000000") == CLOSE_NOT_FOUND


def test_an_outsider_cannot_upload_into_or_ask_for_another_team(owner_api, outsider_api, team):
    photo = ("x.jpg", jpeg_bytes(64, 48, seed=122))
    upload = outsider_api.post(
        "/api/photos/", {"files": [SimpleUploadedFile(*photo)], "team": team.id}, format="multipart"
    )
    assert upload.status_code == 400 and not Upload.objects.filter(team=team).exists()

    own = outsider_api.post("/api/photos/", {"files": [SimpleUploadedFile(*photo)]}, format="multipart").json()
    sha = own["photos"][0]["sha256"]
    asked = outsider_api.post("/api/runs/create/", {"photos": [sha], "question": "?", "team": team.id}, format="json")
    assert asked.status_code == 400 and not Run.objects.filter(team=team).exists()


def test_a_photo_uploaded_by_two_teams_is_visible_to_each_only_through_its_own_upload(owner_api, outsider_api, owner):
    data = jpeg_bytes(64, 48, seed=123)
    mine = owner_api.post("/api/photos/", {"files": [SimpleUploadedFile("a.jpg", data)]}, format="multipart").json()
    sha = mine["photos"][0]["sha256"]
    run_id = owner_api.post("/api/runs/create/", {"photos": [sha], "question": "private?"}, format="json").json()["id"]

    theirs = outsider_api.post("/api/photos/", {"files": [SimpleUploadedFile("b.jpg", data)]}, format="multipart")
    assert theirs.json()["photos"][0]["sha256"] == sha  # stored once, content-addressed
    assert outsider_api.get(f"/api/runs/{run_id}/").status_code == 404
    assert all(r["id"] != run_id for r in outsider_api.get("/api/runs/").json())
    assert Upload.objects.get(photo__sha256=sha, uploaded_by=owner).filename == "a.jpg"
