"""Photos are private: no listing, no guessing, no walking out of the photo folder, and not reachable as static
files. Only a person who may see a photo gets it, by the hash of its exact bytes."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.images import jpeg_bytes
from tests.reliability.live_session import session_cookie, token_client

TRAVERSALS = [
    "/photos/",
    "/photos/{prefix}/",
    "/photos/{sha_short}/",
    "/photos/{sha_upper}/",
    "/photos/{random}/",
    "/photos/{random}/thumb/",
    "/photos/../secret_key/",
    "/photos/..%2f..%2fsecret_key/",
    "/photos/%2e%2e/%2e%2e/visiondesk.sqlite3/",
    "/photos/{prefix}%2f{sha}.jpg/",
    "/photos/{sha}.jpg/",
    "/photos/{sha}/../../secret_key",
    "/photos/{sha}%00/",
    "/photos/{sha}/thumb/../../../../etc/passwd",
    "/static/",
    "/static/core/",
    "/static/../secret_key",
    "/static/%2e%2e/visiondesk.sqlite3",
    "/static/photos/{prefix}/{sha}.jpg",
]


@pytest.fixture
def stored_sha(owner_api) -> str:
    photo = SimpleUploadedFile("private.jpg", jpeg_bytes(320, 240, seed=131))
    return owner_api.post("/api/photos/", {"files": [photo]}, format="multipart").json()["photos"][0]["sha256"]


def fill(path: str, sha: str) -> str:
    random_sha = hashlib.sha256(b"a photo nobody uploaded").hexdigest()
    return path.format(prefix=sha[:2], sha=sha, sha_short=sha[:-1], sha_upper=sha.upper(), random=random_sha)


def test_no_listing_guess_or_traversal_reaches_a_photo_or_a_data_file(client, owner, stored_sha):
    client.force_login(owner)
    assert client.get(f"/photos/{stored_sha}/").status_code == 200  # the photo itself, to its owner

    for path in TRAVERSALS:
        response = client.get(fill(path, stored_sha))
        assert response.status_code == 404, f"{path} -> {response.status_code}"


def test_the_photo_response_cannot_be_sniffed_into_a_page_or_cached_publicly(client, owner, stored_sha):
    client.force_login(owner)
    response = client.get(f"/photos/{stored_sha}/")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_photos_and_data_files_live_outside_every_static_folder():
    photos = Path(settings.PHOTO_STORAGE_DIR).resolve()
    database = Path(settings.DATABASES["default"]["NAME"]).resolve()
    for static in [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]:
        static = static.resolve()
        assert not photos.is_relative_to(static) and not static.is_relative_to(photos)
        assert not database.is_relative_to(static)


def raw_get(app_url: str, path: str, cookie: str) -> int:
    """A request line sent byte for byte, as an attacker's tool would: no client-side path clean-up."""
    parts = urlsplit(app_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n".encode()
        )
        status_line = conn.makefile("rb").readline().decode()
    return int(status_line.split()[1])


@pytest.mark.engine
@pytest.mark.django_db(transaction=True)
def test_traversal_sent_raw_to_the_live_server_finds_nothing(live_app, owner):
    with token_client(live_app.url, owner) as api:
        upload = api.post("/api/photos/", files={"files": ("p.jpg", jpeg_bytes(320, 240, seed=132))})
    sha = upload.json()["photos"][0]["sha256"]
    cookie = session_cookie(owner)
    assert raw_get(live_app.url, f"/photos/{sha}/", cookie) == 200

    for path in TRAVERSALS:
        assert raw_get(live_app.url, fill(path, sha), cookie) in (400, 404), path
