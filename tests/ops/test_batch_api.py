"""Starting and following batches through the API: from uploaded photos or a zip archive; export as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import AuditEvent, Batch, ItemStatus, Run, RunStatus
from core.services.batches import batches_tick
from tests.images import jpeg_bytes
from tests.ops.zips import zip_bytes

pytestmark = pytest.mark.django_db


def upload(api, count: int, seed: int = 0) -> list[str]:
    files = [
        SimpleUploadedFile(f"s{i}.jpg", jpeg_bytes(96, 72, seed=seed + i), content_type="image/jpeg")
        for i in range(count)
    ]
    return [p["sha256"] for p in api.post("/api/photos/", {"files": files}, format="multipart").json()["photos"]]


def test_a_batch_from_uploaded_photos_keeps_their_names_and_order(owner_api):
    shas = upload(owner_api, 3)
    body = {"task": "describe", "name": "March", "fields": {"question": "Any rust?"}, "photos": shas}
    response = owner_api.post("/api/batches/create/", body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "running" and data["counts"]["pending"] == 3 and data["priority"] == 10
    assert [i["filename"] for i in data["items"]] == ["s0.jpg", "s1.jpg", "s2.jpg"]
    assert [i["photo"] for i in data["items"]] == shas


def test_a_batch_from_a_zip_lists_unusable_files_as_failed_items(owner_api):
    archive = zip_bytes({"a.jpg": jpeg_bytes(96, 72, seed=5), "readme.txt": b"hi", "b.jpg": jpeg_bytes(96, 72, seed=6)})
    body = {
        "task": "describe",
        "fields": '{"question": "Any rust?"}',
        "files": [SimpleUploadedFile("visit.zip", archive, content_type="application/zip")],
    }
    response = owner_api.post("/api/batches/create/", body, format="multipart")
    assert response.status_code == 201, response.json()
    items = response.json()["items"]
    assert [(i["filename"], i["status"]) for i in items] == [
        ("a.jpg", "pending"),
        ("b.jpg", "pending"),
        ("readme.txt", "failed"),
    ]
    assert "not an image" in items[2]["error"]


def test_a_zip_bomb_is_refused_in_the_core_error_shape(owner_api, settings):
    settings.BATCH_ZIP_MAX_UNCOMPRESSED_BYTES = 1_000_000
    bomb = SimpleUploadedFile("bomb.zip", zip_bytes({"z.jpg": bytes(5_000_000)}), content_type="application/zip")
    response = owner_api.post(
        "/api/batches/create/", {"task": "describe", "fields": '{"question": "?"}', "files": [bomb]}, format="multipart"
    )
    assert response.status_code == 400 and "unpacks to 5 MB" in response.json()["error"]["message"]
    assert not Batch.objects.exists()


def test_a_batch_needs_the_tasks_fields_and_some_photos(owner_api):
    shas = upload(owner_api, 1, seed=20)
    missing = owner_api.post("/api/batches/create/", {"task": "describe", "photos": shas}, format="json")
    assert missing.status_code == 400 and "question" in missing.json()["error"]["message"]
    empty = owner_api.post("/api/batches/create/", {"task": "describe", "fields": {"question": "?"}}, format="json")
    assert empty.status_code == 400 and "Add photos" in empty.json()["error"]["message"]


def test_pause_resume_cancel_through_the_api_and_conflicts_are_409(owner_api):
    shas = upload(owner_api, 2, seed=30)
    batch_id = owner_api.post(
        "/api/batches/create/", {"task": "describe", "fields": {"question": "?"}, "photos": shas}, format="json"
    ).json()["id"]
    assert owner_api.post(f"/api/batches/{batch_id}/pause/").json()["status"] == "paused"
    assert owner_api.post(f"/api/batches/{batch_id}/pause/").status_code == 409
    assert owner_api.post(f"/api/batches/{batch_id}/resume/").json()["status"] == "running"
    cancelled = owner_api.post(f"/api/batches/{batch_id}/cancel/").json()
    assert cancelled["status"] == "cancelled" and cancelled["counts"]["cancelled"] == 2
    assert owner_api.post(f"/api/batches/{batch_id}/retry-failed/").json()["counts"]["pending"] == 2


def test_the_export_has_one_line_per_item_with_results_and_is_audited(client, owner, owner_api):
    shas = upload(owner_api, 2, seed=40)
    batch_id = owner_api.post(
        "/api/batches/create/", {"task": "describe", "fields": {"question": "?"}, "photos": shas}, format="json"
    ).json()["id"]
    batches_tick()
    run = Run.objects.filter(batch_item__batch_id=batch_id).order_by("batch_item__position").first()
    Run.objects.filter(id=run.id).update(status=RunStatus.DONE, text="=HYPERLINK(evil)", finished_at=timezone.now())
    Run.objects.filter(batch_item__batch_id=batch_id).exclude(id=run.id).update(
        status=RunStatus.FAILED, error="no engine"
    )
    batches_tick()
    client.force_login(owner)
    response = client.get(f"/batches/{batch_id}/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["position"], r["status"]) for r in rows] == [("1", ItemStatus.DONE), ("2", ItemStatus.FAILED)]
    assert rows[0]["text"] == "'=HYPERLINK(evil)" and rows[1]["error"] == "no engine"
    assert AuditEvent.objects.filter(action="batch.export", target_id=batch_id, actor=owner).exists()


def test_the_batch_pages_render_for_the_owner(client, owner, owner_api):
    shas = upload(owner_api, 1, seed=50)
    batch_id = owner_api.post(
        "/api/batches/create/",
        {"task": "describe", "fields": {"question": "?"}, "photos": shas, "name": "Roof"},
        format="json",
    ).json()["id"]
    client.force_login(owner)
    listing = client.get("/batches/").content.decode()
    assert "Roof" in listing and 'value="describe"' in listing
    assert "Roof" in client.get(f"/batches/{batch_id}/").content.decode()


def test_a_body_that_is_not_an_object_is_refused_clearly(owner_api):
    response = owner_api.post("/api/batches/create/", [1, 2], format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
