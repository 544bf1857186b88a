"""The hostile corpus and the broken bodies, sent to a real Daphne server: it answers each with a 4xx or a clean
photo, keeps serving, logs no crash, and what it stored before is still there."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from core.models import Photo
from core.services.photos import photo_path
from tests.images import jpeg_bytes
from tests.reliability.live_session import token_client
from tests.security.broken_bodies import BROKEN_BODIES
from tests.security.hostile_files import REFUSED, corpus

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def test_the_live_server_survives_every_hostile_input_and_keeps_what_it_stored(live_app, owner):
    client = token_client(live_app.url, owner)
    kept = client.post("/api/photos/", files={"files": ("kept.jpg", jpeg_bytes(320, 240, seed=91))})
    assert kept.status_code == 201
    kept_photo = kept.json()["photos"][0]
    log_start = len(live_app.log_path.read_bytes())
    statuses: dict[str, int] = {}

    for case in corpus():
        response = client.post("/api/photos/", files={"files": (case.filename, case.data)})
        statuses[f"upload {case.name}"] = response.status_code
        assert response.status_code == (400 if case.outcome == REFUSED else 201), case.name
    for body in BROKEN_BODIES:
        headers = {"Content-Type": body.content_type}
        response = client.post("/api/runs/create/", content=body.data, headers=headers)
        statuses[f"body {body.name}"] = response.status_code
        assert 400 <= response.status_code < 500, body.name
    response = client.post("/api/runs/create/", json={"photos": [kept_photo["sha256"]], "question": "x" * 2**20})
    assert response.status_code == 400

    assert live_app.process.poll() is None, "the server process must still run"
    assert httpx.get(f"{live_app.url}/healthz", timeout=5).status_code == 200
    stored = Photo.objects.get(sha256=kept_photo["sha256"])
    assert hashlib.sha256(photo_path(stored).read_bytes()).hexdigest() == stored.sha256
    log = live_app.log_path.read_bytes()[log_start:].decode(errors="replace")
    assert "Traceback" not in log and "Internal Server Error" not in log, log[-3000:]
    assert len(statuses) == len(corpus()) + len(BROKEN_BODIES)
