"""Two app processes on one port and one database: runs and batch items are each executed exactly once, and both
processes share the work. (Websockets across processes need REDIS_URL; this test talks REST only.)"""

from __future__ import annotations

import time

import httpx
import pytest
from django.conf import settings

from core.models import Batch, BatchStatus, ItemStatus, Run
from core.web_processes import start_web_group
from tests.fixtures.live_app import free_port
from tests.images import jpeg_bytes
from tests.ops.metrics_text import sample

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def two_processes(engine, monkeypatch):
    for name, value in {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "VISIONDESK_SERVE_TEST_DB": "1",
        "VISIONDESK_DATA_DIR": str(settings.DATA_DIR),
        "INFERENCE_URL": engine.url,
        "BATCH_TICK_MS": "100",
        "BATCH_MAX_IN_FLIGHT": "3",
        "METRICS_TOKEN": "scrape-me",
    }.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    group = start_web_group("127.0.0.1", port, 2)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _healthy(url), timeout=60)
        for _ in range(20):  # fresh connections, so both processes get a first request and start their loops
            httpx.get(f"{url}/healthz", headers={"Connection": "close"}, timeout=5)
        yield url, {str(p.pid) for p in group.processes}
    finally:
        group.terminate()


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_work_is_shared_by_two_processes_and_done_exactly_once(two_processes, owner):
    from rest_framework.authtoken.models import Token

    url, pids = two_processes
    headers = {"Authorization": f"Token {Token.objects.create(user=owner).key}", "Connection": "close"}
    files = [("files", (f"t{i}.jpg", jpeg_bytes(96, 72, seed=800 + i))) for i in range(12)]
    shas = [
        p["sha256"] for p in httpx.post(f"{url}/api/photos/", files=files, headers=headers, timeout=60).json()["photos"]
    ]
    body = {"task": "describe", "fields": {"question": "Describe it."}, "photos": shas, "max_tokens": 32}
    batch_id = httpx.post(f"{url}/api/batches/create/", json=body, headers=headers, timeout=30).json()["id"]
    interactive = [
        httpx.post(
            f"{url}/api/runs/create/", json={"photos": [sha], "question": "Now?", "length": "sentence"}, headers=headers
        ).json()["id"]
        for sha in shas[:4]
    ]
    wait_for(lambda: Batch.objects.get(id=batch_id).status == BatchStatus.DONE)
    wait_for(lambda: not Run.objects.filter(id__in=interactive, status__in=["queued", "running"]).exists())

    batch = Batch.objects.get(id=batch_id)
    assert list(batch.items.values_list("status", flat=True)) == [ItemStatus.DONE] * 12
    assert Run.objects.filter(batch_item__batch=batch).count() == 12 == Run.objects.filter(priority=10).count()
    assert set(Run.objects.filter(id__in=interactive).values_list("status", flat=True)) == {"done"}
    workers = {w.split(":")[1] for w in Run.objects.values_list("worker", flat=True)}
    print(f"\nruns per process: { {pid: Run.objects.filter(worker__contains=f':{pid}:').count() for pid in pids} }")
    assert workers == pids, "both processes executed runs"

    for _ in range(6):  # whichever process answers, /metrics adds up what both did
        text = httpx.get(f"{url}/metrics", headers={"Authorization": "Bearer scrape-me", "Connection": "close"}).text
        assert sample(text, "visiondesk_runs_finished_total", task="describe", status="done") == 16
        assert sample(text, "visiondesk_run_latency_seconds_count", task="describe") == 16
