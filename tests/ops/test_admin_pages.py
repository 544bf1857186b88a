"""The Django admin shows core records with thumbnails, filters and search."""

from __future__ import annotations

import pytest

from core.models import Batch, BatchItem, Membership, Role, Run, RunPhoto
from core.services.photos import photo_upload
from tests.images import jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(owner, team):
    photo = photo_upload(user=owner, team=team, filename="gauge.jpg", data=jpeg_bytes(200, 150, seed=90))
    run = Run.objects.create(task="describe", template_version=1, team=team, created_by=owner)
    RunPhoto.objects.create(run=run, photo=photo, position=0)
    batch = Batch.objects.create(task="describe", team=team, created_by=owner, name="March visit")
    BatchItem.objects.create(batch=batch, position=0, photo=photo, filename="gauge.jpg")
    return photo, run, batch


@pytest.mark.parametrize(
    "url", ["team", "membership", "photo", "upload", "run", "batch", "auditevent"], ids=lambda u: u
)
def test_every_core_list_renders(client, admin_user, records, url):
    client.force_login(admin_user)
    response = client.get(f"/admin/core/{url}/")
    assert response.status_code == 200


def test_lists_show_photo_thumbnails(client, admin_user, records):
    photo, run, batch = records
    client.force_login(admin_user)
    for url in (
        "/admin/core/photo/",
        "/admin/core/run/",
        "/admin/core/upload/",
        f"/admin/core/batch/{batch.pk}/change/",
    ):
        assert f"/photos/{photo.sha256}/thumb/" in client.get(url).content.decode(), url


def test_runs_filter_by_status_and_task_and_search_by_user(client, admin_user, records):
    client.force_login(admin_user)
    assert client.get("/admin/core/run/?status__exact=queued&task=describe").status_code == 200
    page = client.get("/admin/core/run/?q=olivia").content.decode()
    assert "1 result" in page or "describe" in page


def test_users_show_their_teams_and_roles_and_can_be_filtered_by_role(client, admin_user, owner, team):
    client.force_login(admin_user)
    page = client.get("/admin/auth/user/?memberships__role=inspector").content.decode()
    assert "olivia" in page and "North plant: Inspector" in page
    Membership.objects.filter(user=owner).update(role=Role.TEAM_LEAD)
    assert "olivia" not in client.get("/admin/auth/user/?memberships__role=inspector").content.decode()
    assert client.get(f"/admin/auth/user/{owner.pk}/change/").status_code == 200
