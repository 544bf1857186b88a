"""Zip archives made to hurt, sent to the batch upload: each refused with a clear 4xx (or, mixed with good photos,
reported per file), fast, in bounded memory, writing nothing outside the photo store, losing nothing stored."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Photo
from tests.images import jpeg_bytes
from tests.security.hostile_archives import archives

CASES = archives()
FIELDS = '{"question": "What is shown?"}'


def send(client, *files: tuple[str, bytes]):
    uploads = [SimpleUploadedFile(name, data) for name, data in files]
    return client.post(
        "/api/batches/create/", {"task": "describe", "fields": FIELDS, "files": uploads}, format="multipart"
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hostile_archive_alone_is_refused_quickly_in_bounded_memory(world, case):
    client, _ = world
    stored = set(Photo.objects.values_list("sha256", flat=True))
    process = psutil.Process()
    rss_before, started = process.memory_info().rss, time.monotonic()

    response = send(client, (f"{case.name}.zip", case.data))

    assert time.monotonic() - started < 20
    assert process.memory_info().rss - rss_before < 200 * 2**20, "an archive must never be unpacked whole"
    if case.name == "names escaping the folder":  # real photos: accepted, the names only ever displayed
        assert response.status_code == 201 and response.json()["counts"]["total"] == 3
    else:
        assert response.status_code == 400, response.content[:300]
        assert response.json()["error"]["message"]
    assert stored <= set(Photo.objects.values_list("sha256", flat=True))


def test_hostile_archives_beside_a_good_photo_are_reported_per_file_and_the_photo_is_kept(world):
    client, _ = world
    per_file = {"a 64 MB member of zeros", "a member lying about its size", "an encrypted member"}
    bombs = [(f"{c.name}.zip", c.data) for c in CASES if c.name in per_file]

    response = send(client, ("good.jpg", jpeg_bytes(160, 120, seed=151)), *bombs)

    assert response.status_code == 201, response.content[:300]
    items = response.json()["items"]
    good = [i for i in items if i["filename"] == "good.jpg"]
    assert len(good) == 1 and good[0]["status"] != "failed"
    assert all(i["error"] for i in items if i["status"] == "failed") and len(items) > 1


def test_names_in_an_archive_never_become_paths_on_disk(world):
    client, _ = world
    case = next(c for c in CASES if c.name == "names escaping the folder")
    names = zipfile.ZipFile(io.BytesIO(case.data)).namelist()
    bases = [Path(settings.PHOTO_STORAGE_DIR), Path(settings.DATA_DIR), Path.cwd(), Path("/")]
    candidates = [(base / name.replace("\\", "/").lstrip("/")).resolve() for base in bases for name in names]

    assert send(client, ("escape.zip", case.data)).status_code == 201

    assert not [p for p in candidates if p.exists()]
    assert not any("evil" in p.name for p in Path(settings.DATA_DIR).rglob("*"))
