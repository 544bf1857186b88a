"""The app process dies in the middle of a batch; the next one carries on where it stopped, sending nothing twice."""

from __future__ import annotations

import signal
import time

import httpx
import pytest

from core.models import Batch, BatchStatus, ItemStatus, Run
from tests.fixtures.live_app import start_app_server, stop_app_server
from tests.images import jpeg_bytes

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]
SLOW_BATCHES = {"BATCH_TICK_MS": "200", "BATCH_MAX_IN_FLIGHT": "2"}


def api_client(app_url: str, username: str) -> httpx.Client:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username=username))
    return httpx.Client(base_url=app_url, headers={"Authorization": f"Token {token.key}"}, timeout=60)


def wait_for(predicate, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def count(batch_id, status) -> int:
    return Batch.objects.get(id=batch_id).items.filter(status=status).count()


def test_a_batch_resumes_after_the_app_is_killed_and_started_again(engine, owner):
    first = start_app_server(engine.url, extra_env=SLOW_BATCHES)
    client = api_client(first.url, owner.username)
    files = [("files", (f"b{i}.jpg", jpeg_bytes(96, 72, seed=500 + i))) for i in range(10)]
    shas = [p["sha256"] for p in client.post("/api/photos/", files=files).json()["photos"]]
    body = {
        "task": "describe",
        "name": "Night run",
        "fields": {"question": "Describe it."},
        "photos": shas,
        "max_tokens": 96,
    }
    batch_id = client.post("/api/batches/create/", json=body).json()["id"]
    wait_for(lambda: count(batch_id, ItemStatus.DONE) >= 2)
    first.process.send_signal(signal.SIGKILL)  # a crash mid-batch: items waiting, runs in flight
    first.process.wait()
    done_before = count(batch_id, ItemStatus.DONE)
    assert Batch.objects.get(id=batch_id).status == BatchStatus.RUNNING and done_before < 10

    second = start_app_server(engine.url, extra_env=SLOW_BATCHES)
    try:
        wait_for(lambda: Batch.objects.get(id=batch_id).status == BatchStatus.DONE)
    finally:
        stop_app_server(second)
    batch = Batch.objects.get(id=batch_id)
    assert list(batch.items.values_list("status", flat=True)) == [ItemStatus.DONE] * 10
    runs = Run.objects.filter(batch_item__batch=batch)
    assert runs.count() == 10 == len(set(batch.items.values_list("run_id", flat=True)))
    assert Run.objects.filter(task="describe", params__fields__question="Describe it.").count() == 10, (
        "nothing sent twice"
    )
    workers = {r.worker.rsplit(":", 1)[0] for r in runs}
    assert len(workers) == 2, "the second process finished what the first began"
