"""A world for the API-wide security tests: an admin member of a team, a photo, and one of every object."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Photo, Role, Run
from tests.fixtures.people import api_client_for, make_user
from tests.images import jpeg_bytes
from tests.security.openapi_fuzz import Context, seed_objects


@pytest.fixture
def world(team):
    """(client, context): a team admin, who may use every app, and ids of real objects made through the API."""
    user = make_user("adele", team, role=Role.ADMIN)
    client = api_client_for(user)
    photo = SimpleUploadedFile("world.jpg", jpeg_bytes(320, 240, seed=81))
    sha = client.post("/api/photos/", {"files": [photo]}, format="multipart").json()["photos"][0]["sha256"]
    ctx = Context(photo_sha=sha, team_id=team.id)
    seed_objects(client, ctx)
    return client, ctx


@pytest.fixture
def record_ids(world) -> dict:
    """Route parameter values (by name, without `_id`) that name the world's records."""
    _, ctx = world
    run = Run.objects.filter(team_id=ctx.ids["team"]).first()
    photo = Photo.objects.get(sha256=ctx.photo_sha)
    return {**ctx.ids, "run": run.id if run else None, "sha256": photo.sha256}
