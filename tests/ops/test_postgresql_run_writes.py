"""Runs on PostgreSQL, which refuses what SQLite takes: NUL in text, and row locks taken in different orders by
two writers (a deadlock). Both were seen under load on PostgreSQL and failed runs there."""

from __future__ import annotations

import time

import httpx

from tests.fixtures.live_app import start_app_server, stop_app_server
from tests.fixtures.people import PASSWORD
from tests.images import jpeg_bytes
from tests.ops.test_two_processes_on_postgresql import NEW_USER, manage
from tests.reliability.scripted_engine import ScriptedEngine

# Two writers at once on the same runs, as in a web process: the periodic save of streamed text (one transaction,
# runs in dict order) and the sweeper's heartbeat (all local runs). Run ids are given newest first to the text
# save, the order in which a plain multi-row UPDATE would lock them last.
RACE = """
import threading
from django.utils import timezone
from core import run_state
from core.models import Run, RunStatus, Team
from django.contrib.auth import get_user_model
user = get_user_model().objects.get(username="paula")
ids = [Run.objects.create(task="describe", template_version=1, status=RunStatus.RUNNING, created_by=user,
                       team=Team.objects.get(name="East plant")).id
       for _ in range(40)]
errors = []
def texts():
    try:
        for n in range(150):
            run_state.save_texts({run_id: f"text {n}" for run_id in reversed(ids)})
    except Exception as exc:
        errors.append(repr(exc))
def heartbeats():
    try:
        for _ in range(150):
            run_state._heartbeat(sorted(ids), timezone.now())
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=texts), threading.Thread(target=heartbeats)]
[t.start() for t in threads]
[t.join() for t in threads]
assert not errors, errors
print("no deadlock")
"""


def test_text_saves_and_heartbeats_together_never_deadlock(postgres_url):
    env = {"DATABASE_URL": postgres_url, "VISIONDESK_SERVE_TEST_DB": ""}
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "shell", "-c", NEW_USER)
    manage(env, "shell", "-c", RACE)


def test_a_model_answer_with_nul_is_stored_and_shown_on_postgresql(postgres_url):
    env = {"DATABASE_URL": postgres_url, "VISIONDESK_SERVE_TEST_DB": ""}
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "shell", "-c", NEW_USER)
    engine = ScriptedEngine("The gauge\x00 reads 4.2\x00 bar.", piece_chars=4, piece_delay_s=0.01)
    app = start_app_server(engine.url, extra_env=env)
    try:
        token = httpx.post(f"{app.url}/api/auth/token/", json={"username": "paula", "password": PASSWORD}).json()
        api = httpx.Client(base_url=app.url, headers={"Authorization": f"Token {token['token']}"}, timeout=30)
        photo = api.post("/api/photos/", files={"files": ("gauge.jpg", jpeg_bytes(320, 240, seed=71))}).json()
        body = {"photos": [photo["photos"][0]["sha256"]], "question": "What does it read?", "max_tokens": 64}
        run_id = api.post("/api/runs/create/", json=body).json()["id"]
        deadline = time.monotonic() + 60
        while (run := api.get(f"/api/runs/{run_id}/").json())["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, "the run did not finish"
            time.sleep(0.2)
    finally:
        stop_app_server(app)
        engine.close()
    assert run["status"] == "done", run.get("error")
    assert run["text"] == "The gauge\ufffd reads 4.2\ufffd bar."
