"""A world for the API-wide security tests: an admin member of a team, a photo, and one of every object."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.models import Photo, Role, Run
from tests.fixtures.people import api_client_for, make_user
from tests.images import jpeg_bytes
from tests.security.openapi_fuzz import Context, seed_objects


def make_world(team) -> tuple[APIClient, Context]:
    """A team admin, who may use every app, with one of every object the API can make, and their ids."""
    user = make_user("adele", team, role=Role.ADMIN)
    client = api_client_for(user)
    photo = SimpleUploadedFile("world.jpg", jpeg_bytes(320, 240, seed=81))
    sha = client.post("/api/photos/", {"files": [photo]}, format="multipart").json()["photos"][0]["sha256"]
    ctx = Context(photo_sha=sha, team_id=team.id)
    ctx.ids["sku"] = _catalogue_product(team, user)
    seed_objects(client, ctx)
    return client, ctx


def _catalogue_product(team, user) -> str | None:
    """Support tickets need a product in the catalogue, which only its settings page makes: use its test factory."""
    try:
        from apps.support.tests.factories import product_with_reference
    except ImportError:  # the support app's test data changed: tickets are then fuzzed without a real product
        return None
    return product_with_reference(team, user, sku="WORLD-1").sku


@pytest.fixture
def world(team) -> tuple[APIClient, Context]:
    """(client, context): see make_world."""
    return make_world(team)


def world_record_ids(ctx: Context) -> dict:
    """Route parameter values (by name, without `_id`) that name the world's records."""
    run = Run.objects.filter(team_id=ctx.ids["team"]).first()
    photo = Photo.objects.get(sha256=ctx.photo_sha)
    return {**ctx.ids, "run": run.id if run else None, "sha256": photo.sha256}


@pytest.fixture
def record_ids(world) -> dict:
    return world_record_ids(world[1])
