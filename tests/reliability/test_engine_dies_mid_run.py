"""The engine process is killed while a run streams: the run fails with a readable reason, nothing is lost."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
from channels.db import database_sync_to_async

from core.models import Photo, RunStatus
from core.run_executor import executor
from tests.fixtures.engine import start_engine
from tests.fixtures.runs import apply, connect, create_describe_run, read_until_final, refreshed

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


@pytest.fixture
async def doomed_engine(settings, transactional_db):
    """An engine of its own, so killing it costs the other tests nothing."""
    engine = await asyncio.to_thread(start_engine)
    settings.INFERENCE_URL = engine.url
    executor.bind(asyncio.get_running_loop())
    yield engine
    await executor.shutdown()
    engine.process.stop()


async def test_a_run_whose_engine_dies_fails_with_a_reason_and_keeps_its_text(doomed_engine, owner):
    run = await database_sync_to_async(create_describe_run)(owner, seed=31, max_tokens=1200, ignore_eos=True)
    ws = await connect(owner, run.id)
    text = ""
    while len(text) < 10:
        text = apply(text, await ws.receive_json_from(timeout=60))
    os.killpg(doomed_engine.process.pid, signal.SIGKILL)
    messages = await read_until_final(ws, timeout=60)
    await ws.disconnect()
    final = messages[-1]
    assert final["type"] == "failed"
    assert "engine" in final["error"] and "Traceback" not in final["error"]
    run = await refreshed(run)
    assert run.status == RunStatus.FAILED and run.error == final["error"]
    assert run.text.startswith(text), "what streamed before the failure is kept"
    assert await database_sync_to_async(Photo.objects.filter(runs=run).count)() == 1
