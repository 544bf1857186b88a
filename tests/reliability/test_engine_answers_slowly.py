"""An engine that is reachable but slow: a late first token is waited for; one that never answers times out with a
reason, and nothing is left running."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async

from core.models import Run, RunStatus
from core.run_executor import executor
from tests.fixtures.runs import connect, create_describe_run, read_until_final, refreshed
from tests.reliability.scripted_engine import ScriptedEngine

pytestmark = [pytest.mark.django_db(transaction=True)]
ANSWER = "The gauge reads 4.2 bar; the valve is closed."


@pytest.fixture
async def scripted(settings, transactional_db):
    engine = ScriptedEngine(ANSWER)
    settings.INFERENCE_URL = engine.url
    settings.ENGINE_REQUEST_TIMEOUT = 3.0
    executor.bind(asyncio.get_running_loop())
    yield engine
    await executor.shutdown()
    engine.close()


async def test_a_first_token_two_seconds_late_still_streams_the_whole_answer(scripted, owner):
    scripted.delay_before_first_token_s = 2.0
    run = await database_sync_to_async(create_describe_run)(owner, seed=56)
    ws = await connect(owner, run.id)

    messages = await read_until_final(ws, timeout=30)
    await ws.disconnect()

    assert messages[-1]["type"] == "done" and messages[-1]["run"]["text"] == ANSWER
    run = await refreshed(run)
    assert run.status == RunStatus.DONE and run.ttft_ms >= 1900


async def test_an_engine_that_never_answers_fails_the_run_in_time_with_a_reason(scripted, owner):
    scripted.delay_before_first_token_s = 30.0
    run = await database_sync_to_async(create_describe_run)(owner, seed=57)
    ws = await connect(owner, run.id)

    messages = await read_until_final(ws, timeout=30)
    await ws.disconnect()

    assert messages[-1]["type"] == "failed"
    assert messages[-1]["error"] == "the engine did not answer in time"
    run = await refreshed(run)
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert await database_sync_to_async(Run.objects.filter(status__in=["queued", "running"]).count)() == 0
    assert len(scripted.requests) == 1, "a timed-out request is not sent again behind the user's back"
