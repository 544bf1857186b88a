"""Two app processes sharing a real Redis: a run started through one streams to a browser connected to the other."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.fixtures.live_app import start_app_server, stop_app_server
from tests.images import jpeg_bytes

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


async def watch(ws_url: str, cookie: str, origin: str) -> list[dict]:
    """Read the run to its end, reconnecting like the page does when a connection drops (a fresh, busy process
    may miss the 5 s handshake deadline); each connection starts again from a snapshot."""
    messages: list[dict] = []
    for _ in range(5):
        try:
            async with websockets.connect(ws_url, additional_headers={"Cookie": cookie, "Origin": origin}) as ws:
                async for raw in ws:
                    message = json.loads(raw)
                    messages.append(message)
                    if message["type"] in ("done", "failed") or (
                        message["type"] == "snapshot" and message["run"]["status"] in ("done", "failed")
                    ):
                        return messages
        except (websockets.WebSocketException, OSError):
            await asyncio.sleep(0.5)
    return messages


def test_a_run_started_on_one_process_streams_to_a_browser_on_the_other(engine, redis_url, owner):
    env = {"REDIS_URL": redis_url}
    # One run at a time on the first process: the watched run waits behind another, so the browser is connected
    # before its first token even when a busy machine makes the handshake slow.
    first = start_app_server(engine.url, extra_env={**env, "RUNS_MAX_IN_FLIGHT": "1"})
    second = start_app_server(engine.url, extra_env=env)
    try:
        for _ in range(5):  # the page has loaded before its websocket opens: the process is warm
            httpx.get(f"{second.url}/healthz", timeout=10)
        browser = Client()
        browser.force_login(owner)
        cookie = f"sessionid={browser.cookies['sessionid'].value}"
        token, _ = Token.objects.get_or_create(user=owner)
        api = httpx.Client(base_url=first.url, headers={"Authorization": f"Token {token.key}"}, timeout=30)
        files = {"files": ("gauge.jpg", jpeg_bytes(320, 240, seed=61))}
        sha = api.post("/api/photos/", files=files).json()["photos"][0]["sha256"]
        ws_base = second.url.replace("http", "ws", 1)
        warm_up = api.post("/api/runs/create/", json={"photos": [sha], "question": "Hi.", "max_tokens": 4}).json()
        asyncio.run(watch(f"{ws_base}/ws/runs/{warm_up['id']}/", cookie, second.url))  # first websocket: slow
        body = {"photos": [sha], "question": "Describe it.", "max_tokens": 4000, "ignore_eos": True}
        api.post("/api/runs/create/", json={**body, "max_tokens": 1500})  # the run ahead of it
        run_id = api.post("/api/runs/create/", json=body).json()["id"]
        ws_url = f"{ws_base}/ws/runs/{run_id}/"
        messages = asyncio.run(watch(ws_url, cookie, second.url))
    finally:
        stop_app_server(first)
        stop_app_server(second)
    kinds = [m["type"] for m in messages]
    assert kinds[0] == "snapshot" and kinds[-1] == "done", (kinds, messages[-1].get("run", {}).get("error"))
    assert kinds.count("delta") >= 2, "tokens crossed from the running process to the other through Redis"
    last_snapshot = max(i for i, kind in enumerate(kinds) if kind == "snapshot")
    text = messages[last_snapshot]["run"]["text"]
    for message in messages[last_snapshot + 1 : -1]:
        if message["type"] == "delta":
            assert message["offset"] == len(text)
            text += message["text"]
    assert text == messages[-1]["run"]["text"]
