"""Uploading photos through the API: ready at once, refusals explained, other files kept, outsiders refused."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Photo, Upload
from tests.images import jpeg_bytes


def upload(client, *files):
    return client.post("/api/photos/", {"files": list(files)}, format="multipart")


def jpeg(name: str, seed: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(640, 480, seed=seed), content_type="image/jpeg")


def test_it_answers_at_once_with_thumbnail_and_exif_summary(owner_api, client, owner):
    response = upload(owner_api, jpeg("gauge.jpg"))
    assert response.status_code == 201
    photo = response.json()["photos"][0]
    assert photo["width"] == 640 and photo["height"] == 480
    assert photo["thumbnail_url"].endswith("/thumb/") and isinstance(photo["exif"], dict)
    client.force_login(owner)
    assert client.get(photo["thumbnail_url"]).status_code == 200


def test_a_refused_file_does_not_lose_the_others(owner_api):
    fake = SimpleUploadedFile("notes.jpg", b"this is not a picture", content_type="image/jpeg")
    response = upload(owner_api, jpeg("a.jpg", 1), fake, jpeg("b.jpg", 2))
    assert response.status_code == 201
    body = response.json()
    assert len(body["photos"]) == 2
    assert body["rejected"][0]["filename"] == "notes.jpg" and body["rejected"][0]["reason"]


def test_it_rejects_a_batch_of_only_bad_files_with_the_common_error_shape(owner_api):
    response = upload(owner_api, SimpleUploadedFile("empty.png", b"", content_type="image/png"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "empty.png" in error["message"]
    assert error["details"]["rejected"][0]["filename"] == "empty.png"


def test_the_same_photo_uploaded_twice_is_stored_once(owner_api, teammate):
    upload(owner_api, jpeg("one.jpg", 5))
    upload(owner_api, jpeg("again.jpg", 5))
    assert Photo.objects.count() == 1 and Upload.objects.count() == 2


def test_an_outsider_cannot_fetch_a_photo_or_its_thumbnail(owner_api, outsider_api, client, outsider):
    photo = upload(owner_api, jpeg("private.jpg", 9)).json()["photos"][0]
    client.force_login(outsider)
    assert client.get(photo["url"]).status_code == 404
    assert client.get(photo["thumbnail_url"]).status_code == 404


def test_a_teammate_can_fetch_the_photo(owner_api, client, teammate):
    photo = upload(owner_api, jpeg("shared.jpg", 10)).json()["photos"][0]
    client.force_login(teammate)
    response = client.get(photo["url"])
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_anonymous_uploads_are_refused(client):
    response = client.post("/api/photos/", {"files": [jpeg("x.jpg")]})
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_photos_uploaded_for_a_task_are_resized_for_it_at_once(owner_api, settings):
    from pathlib import Path

    file = SimpleUploadedFile("big.jpg", jpeg_bytes(1920, 1080, seed=12), content_type="image/jpeg")
    response = owner_api.post("/api/photos/", {"files": [file], "task": "describe"}, format="multipart")
    sha = response.json()["photos"][0]["sha256"]
    variants = list(Path(settings.PHOTO_STORAGE_DIR).glob(f"{sha[:2]}/{sha}-t*.jpg"))
    assert len(variants) == 1, "the budget-sized copy is made at upload, not when the question is asked"


def test_photos_uploaded_for_an_overview_are_prepared_at_that_size(owner_api, settings):
    from pathlib import Path

    file = SimpleUploadedFile("room.jpg", jpeg_bytes(1920, 1080, seed=13), content_type="image/jpeg")
    response = owner_api.post(
        "/api/photos/", {"files": [file], "task": "describe", "detail": "overview"}, format="multipart"
    )
    sha = response.json()["photos"][0]["sha256"]
    variants = [p.name for p in Path(settings.PHOTO_STORAGE_DIR).glob(f"{sha[:2]}/{sha}-t*.jpg")]
    assert variants == [f"{sha}-t256.jpg"]
