"""Every file of the hostile corpus, uploaded through the API: a clear refusal or a clean photo, never a 500.

Whatever comes in, the photos already stored stay exactly as they were.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.intake import display_name
from core.models import Photo, Upload
from core.services.photos import photo_path, thumbnail_path
from tests.images import jpeg_bytes
from tests.security.hostile_files import ACCEPTED, REFUSED, Hostile, corpus, decoded_size

CASES = corpus()
# What must never survive into a stored photo: markup, scripts, archives, location data.
PAYLOAD_MARKERS = (b"<script", b"<html", b"<?php", b"PK\x03\x04", b"Exif", b"GPS", b"onerror")


def upload(client, *files: tuple[str, bytes]):
    uploads = [SimpleUploadedFile(name, data, content_type="application/octet-stream") for name, data in files]
    return client.post("/api/photos/", {"files": uploads}, format="multipart")


def fingerprint() -> dict[str, tuple[str, str]]:
    """Every stored photo and thumbnail, by content hash of the files on disk."""
    return {
        p.sha256: (
            hashlib.sha256(photo_path(p).read_bytes()).hexdigest(),
            hashlib.sha256(thumbnail_path(p).read_bytes()).hexdigest(),
        )
        for p in Photo.objects.all()
    }


@pytest.fixture
def stored_before(owner_api):
    """Photos the team already has: they must come out of every hostile upload untouched."""
    response = upload(
        owner_api, ("pump.jpg", jpeg_bytes(320, 240, seed=71)), ("valve.jpg", jpeg_bytes(200, 100, seed=72))
    )
    assert response.status_code == 201
    return fingerprint()


def assert_refused(response, case: Hostile) -> None:
    assert response.status_code == 400, f"{case.name}: {response.status_code} {response.content[:300]!r}"
    error = response.json()["error"]
    name = display_name(case.filename)
    assert error["code"] == "invalid" and f'"{name}"' in error["message"]
    rejected = error["details"]["rejected"]
    assert len(rejected) == 1 and rejected[0]["filename"] == name
    if case.code:
        assert rejected[0]["reason"] == error["message"]
    assert "Traceback" not in error["message"] and "Error" not in error["message"]


def assert_stored_clean(response, case: Hostile) -> None:
    assert response.status_code == 201, f"{case.name}: {response.status_code} {response.content[:300]!r}"
    body = response.json()
    assert body["rejected"] == [] and len(body["photos"]) == 1
    photo = Photo.objects.get(sha256=body["photos"][0]["sha256"])
    stored = photo_path(photo).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == photo.sha256
    assert photo.mime in ("image/jpeg", "image/png") and decoded_size(stored) == (photo.width, photo.height)
    for marker in PAYLOAD_MARKERS:
        assert marker not in stored, f"{case.name}: {marker!r} survived into the stored photo"
    upload_row = Upload.objects.get(photo=photo)
    assert "/" not in upload_row.filename or upload_row.filename == case.filename[:255]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hostile_file_is_refused_or_stored_clean_and_nothing_stored_is_lost(owner_api, stored_before, case):
    response = upload(owner_api, (case.filename, case.data))

    if case.outcome == REFUSED:
        assert_refused(response, case)
        assert fingerprint() == stored_before
    else:
        assert_stored_clean(response, case)
        after = fingerprint()
        assert {sha: after[sha] for sha in stored_before} == stored_before


def test_hostile_files_in_one_upload_cost_the_good_photo_beside_them_nothing(owner_api, stored_before, settings):
    refused = [c for c in CASES if c.outcome == REFUSED and c.name != "over the byte limit"]
    refused = refused[: settings.UPLOAD_MAX_FILES - 1]
    files = [(c.filename, c.data) for c in refused] + [("good.jpg", jpeg_bytes(160, 120, seed=73))]

    response = upload(owner_api, *files)

    assert response.status_code == 201
    body = response.json()
    assert len(body["photos"]) == 1 and len(body["rejected"]) == len(refused)
    assert all(r["reason"] for r in body["rejected"])
    after = fingerprint()
    assert {sha: after[sha] for sha in stored_before} == stored_before and len(after) == len(stored_before) + 1


def test_more_files_than_allowed_in_one_request_is_a_clear_refusal(owner_api, stored_before, settings):
    files = [(f"p{i}.jpg", jpeg_bytes(32, 32, seed=i)) for i in range(settings.UPLOAD_MAX_FILES + 1)]

    response = upload(owner_api, *files)

    assert 400 <= response.status_code < 500
    assert response.json()["error"]["message"]
    assert fingerprint() == stored_before


def test_an_upload_without_files_or_with_text_instead_of_files_is_refused(owner_api, stored_before):
    assert owner_api.post("/api/photos/", {}, format="multipart").status_code == 400
    assert owner_api.post("/api/photos/", {"files": "not a file"}, format="multipart").status_code == 400
    assert owner_api.post("/api/photos/", {"files": ["x"]}, format="json").status_code in (400, 415)
    assert fingerprint() == stored_before


def test_the_corpus_covers_every_kind_of_hostile_file():
    names = " ".join(c.name for c in CASES)
    for kind in ("truncated", "zero bytes", "bomb", "30000x30000", "animated gif", "animated webp", "cmyk", "16-bit"):
        assert kind in names
    for kind in ("exif", "svg", "html", "polyglot"):
        assert kind in names
    assert {c.outcome for c in CASES} == {REFUSED, ACCEPTED}
