"""Browsers that vanish mid-stream (a closed laptop, a dropped train connection: no close frame at all) cost the
run nothing: it finishes, a returning browser gets the whole text, and the server logs no error."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import websockets

from core.models import Run, RunStatus
from tests.reliability.live_session import session_cookie, start_run, ws_url

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


async def vanish_after(app_url: str, cookie: str, run_id: str, deltas: int) -> int:
    """Watch the run, then drop the TCP connection without a goodbye after `deltas` deltas."""
    headers = {"Cookie": cookie, "Origin": app_url}
    seen = 0
    async with websockets.connect(ws_url(app_url, run_id), additional_headers=headers) as ws:
        while seen < deltas:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
            if message["type"] in ("done", "failed"):
                break
            seen += message["type"] == "delta"
        ws.transport.abort()
    return seen


async def read_final(app_url: str, cookie: str, run_id: str) -> dict:
    headers = {"Cookie": cookie, "Origin": app_url}
    async with websockets.connect(ws_url(app_url, run_id), additional_headers=headers) as ws:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=120))
            run = message.get("run")
            if run and run["status"] in ("done", "failed", "cancelled"):
                return run


def test_browsers_vanishing_mid_stream_cost_the_run_nothing(live_app, owner):
    cookie = session_cookie(owner)
    log_start = len(live_app.log_path.read_bytes())
    run_id = start_run(live_app.url, owner)

    async def scenario() -> dict:
        await asyncio.gather(*(vanish_after(live_app.url, cookie, run_id, n) for n in (0, 1, 2, 3, 5)))
        return await read_final(live_app.url, cookie, run_id)

    final = asyncio.run(scenario())

    run = Run.objects.get(id=run_id)
    assert final["status"] == run.status == RunStatus.DONE and run.error == ""
    assert final["text"] == run.text and run.completion_tokens > 0
    assert live_app.process.poll() is None
    time.sleep(1)  # disconnects are handled asynchronously: give an error the chance to show in the log
    log = live_app.log_path.read_bytes()[log_start:].decode(errors="replace")
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]
