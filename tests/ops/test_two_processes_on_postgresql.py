"""The scaled-out configuration as documented: two app processes on one PostgreSQL database and one Redis. A run
asked through one process streams to a browser signed in on the other, and both read the same finished run."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys

import httpx
import pytest
from django.conf import settings

from tests.fixtures.live_app import ROOT, start_app_server, stop_app_server
from tests.fixtures.people import PASSWORD
from tests.images import jpeg_bytes
from tests.ops.test_streaming_across_processes import watch

pytestmark = [pytest.mark.engine]

NEW_USER = """
from core.models import Role, Team
from tests.fixtures.people import make_user
make_user("paula", Team.objects.create(name="East plant"), Role.INSPECTOR, is_staff=True)
"""


def manage(env: dict[str, str], *args: str) -> None:
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "VISIONDESK_DATA_DIR": str(settings.DATA_DIR)}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**full_env, **env}, check=True)


def signed_in(app_url: str, username: str) -> httpx.Client:
    browser = httpx.Client(base_url=app_url, timeout=30)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', browser.get("/login/").text)
    assert csrf, "no login form"
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf.group(1)}
    assert browser.post("/login/", data=form, headers={"Referer": f"{app_url}/login/"}).status_code == 302
    return browser


def test_a_run_asked_on_one_process_streams_to_the_other_through_postgresql_and_redis(engine, redis_url, postgres_url):
    env = {"DATABASE_URL": postgres_url, "REDIS_URL": redis_url, "VISIONDESK_SERVE_TEST_DB": ""}
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "shell", "-c", NEW_USER)
    # One run at a time on the first process, so the watched run waits behind another (as in the Redis test).
    first = start_app_server(engine.url, extra_env={**env, "RUNS_MAX_IN_FLIGHT": "1"})
    second = start_app_server(engine.url, extra_env=env)
    try:
        browser = signed_in(second.url, "paula")  # first, so the websocket opens while the answer is written
        cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
        token = httpx.post(f"{first.url}/api/auth/token/", json={"username": "paula", "password": PASSWORD}).json()
        api = httpx.Client(base_url=first.url, headers={"Authorization": f"Token {token['token']}"}, timeout=30)
        photo = api.post("/api/photos/", files={"files": ("valve.jpg", jpeg_bytes(320, 240, seed=62))}).json()
        body = {"photos": [photo["photos"][0]["sha256"]], "question": "Describe it.", "max_tokens": 2000}
        api.post("/api/runs/create/", json={**body, "max_tokens": 1500, "ignore_eos": True})  # the run ahead
        run_id = api.post("/api/runs/create/", json={**body, "ignore_eos": True}).json()["id"]
        ws_url = f"{second.url.replace('http', 'ws', 1)}/ws/runs/{run_id}/"
        messages = asyncio.run(watch(ws_url, cookie, second.url))
        seen_by_second = browser.get(f"/api/runs/{run_id}/").json()
    finally:
        stop_app_server(first)
        stop_app_server(second)
    kinds = [m["type"] for m in messages]
    assert kinds[0] == "snapshot" and kinds[-1] == "done", (kinds, messages[-1].get("run", {}).get("error"))
    assert seen_by_second["status"] == "done" and seen_by_second["text"] == messages[-1]["run"]["text"]
    assert kinds.count("delta") >= 2, "tokens crossed from the running process to the other through Redis"
    assert seen_by_second["usage"]["completion_tokens"] == 2000
