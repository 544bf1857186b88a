"""The app process dies mid-run; the next one takes the run over and finishes it."""

from __future__ import annotations

import signal
import time

import httpx
import pytest

from core.models import Run, RunStatus
from tests.fixtures.live_app import start_app_server, stop_app_server
from tests.images import jpeg_bytes

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def login(app_url: str, username: str) -> httpx.Client:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username=username))
    return httpx.Client(base_url=app_url, headers={"Authorization": f"Token {token.key}"}, timeout=30)


def wait_for(predicate, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_a_run_left_running_by_a_killed_app_is_recovered_by_the_next_one(engine, owner):
    owner.is_staff = True  # staff may ask for a fixed-length answer: long enough to be killed mid-run
    owner.save()
    first = start_app_server(engine.url)
    client = login(first.url, owner.username)
    sha = client.post("/api/photos/", files={"files": ("p.jpg", jpeg_bytes(320, 240, seed=41))}).json()["photos"][0]
    body = {"photos": [sha["sha256"]], "question": "Describe it.", "max_tokens": 4096, "ignore_eos": True}
    run_id = client.post("/api/runs/create/", json=body).json()["id"]
    # Killed as soon as it runs: waiting for saved text could outlast the answer on a machine the engine keeps busy.
    wait_for(lambda: Run.objects.get(id=run_id).status == RunStatus.RUNNING)
    first.process.send_signal(signal.SIGKILL)  # a crash: no chance to clean up
    first.process.wait()
    assert Run.objects.get(id=run_id).status == RunStatus.RUNNING

    second = start_app_server(engine.url)
    try:
        wait_for(lambda: Run.objects.get(id=run_id).status == RunStatus.DONE)
    finally:
        stop_app_server(second)
    run = Run.objects.get(id=run_id)
    assert run.attempts == 2 and run.completion_tokens > 0 and run.error == ""
