"""The engine goes away (a restart, a crash, still loading) while runs wait for it.

Decision: a run that has shown nothing yet waits for the engine, up to RUN_ENGINE_WAIT_SECONDS, and then runs;
the person sees "waiting for the model engine". Past that bound it fails with a reason and a retry works once
the engine is back. A run that already showed part of its answer is never silently started again.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from channels.db import database_sync_to_async

from core.models import Run, RunStatus
from core.run_executor import executor
from core.services.runs import run_retry
from tests.fixtures.runs import connect, create_describe_run, read_until_final, refreshed
from tests.reliability.engine_proxy import EngineProxy

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


@pytest.fixture
async def proxy(engine, settings, transactional_db):
    """The executor talks to the engine through a proxy that starts switched off."""
    proxy = EngineProxy(engine.url)
    settings.INFERENCE_URL = proxy.url
    settings.RUN_ENGINE_WAIT_SECONDS = 60
    executor.bind(asyncio.get_running_loop())
    yield proxy
    await executor.shutdown()
    proxy.close()


async def wait_for_statuses(runs: list[Run], wanted: set[str], timeout: float = 180) -> list[Run]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fresh = [await refreshed(run) for run in runs]
        if all(run.status in wanted for run in fresh):
            return fresh
        await asyncio.sleep(0.2)
    raise AssertionError(f"runs still {[r.status for r in runs]}, wanted {wanted}")


async def no_run_is_stuck() -> None:
    active = await database_sync_to_async(Run.objects.filter(status__in=["queued", "running"]).count)()
    assert active == 0


async def test_runs_asked_while_the_engine_is_down_wait_and_finish_when_it_is_back(proxy, owner):
    runs = [await database_sync_to_async(create_describe_run)(owner, seed=50 + i) for i in range(3)]
    ws = await connect(owner, runs[0].id)
    assert (await ws.receive_json_from(timeout=10))["type"] == "snapshot"
    waiting = await ws.receive_json_from(timeout=10)
    while waiting.get("status") != "waiting":
        waiting = await ws.receive_json_from(timeout=10)

    await asyncio.sleep(2)  # the engine stays down a while: nothing fails meanwhile
    assert {(await refreshed(run)).status for run in runs} == {RunStatus.RUNNING}
    proxy.up()

    messages = await read_until_final(ws, timeout=120)
    await ws.disconnect()
    assert messages[-1]["type"] == "done"
    for run in await wait_for_statuses(runs, {RunStatus.DONE}):
        assert run.error == "" and run.attempts == 1 and run.completion_tokens > 0
    await no_run_is_stuck()


async def test_an_engine_slow_to_start_only_delays_the_first_answer(proxy, owner):
    run = await database_sync_to_async(create_describe_run)(owner, seed=54)
    asyncio.get_running_loop().call_later(4, proxy.up)  # "loading the model" for 4 s

    [run] = await wait_for_statuses([run], {RunStatus.DONE, RunStatus.FAILED})

    assert run.status == RunStatus.DONE and run.error == ""
    assert (run.finished_at - run.started_at).total_seconds() >= 3.5
    await no_run_is_stuck()


async def test_past_the_wait_a_run_fails_with_a_reason_and_a_retry_works_once_the_engine_is_back(
    proxy, owner, settings
):
    settings.RUN_ENGINE_WAIT_SECONDS = 2
    run = await database_sync_to_async(create_describe_run)(owner, seed=55)

    [run] = await wait_for_statuses([run], {RunStatus.FAILED}, timeout=20)
    assert "engine cannot be reached" in run.error and "press retry" in run.error
    assert "Traceback" not in run.error and "Error" not in run.error

    proxy.up()
    await database_sync_to_async(run_retry)(run=run)
    [run] = await wait_for_statuses([run], {RunStatus.DONE})
    assert run.error == "" and run.completion_tokens > 0
    await no_run_is_stuck()


async def test_an_engine_restart_fails_only_the_run_it_interrupted_and_the_queued_ones_finish(proxy, owner, settings):
    settings.RUNS_MAX_IN_FLIGHT = 1  # the others wait in line
    proxy.up()
    # Fixed-length answers: long enough that the restart surely lands while the first run streams.
    runs = [
        await database_sync_to_async(create_describe_run)(owner, seed=60 + i, max_tokens=800, ignore_eos=True)
        for i in range(3)
    ]
    ws = await connect(owner, runs[0].id)
    message = await ws.receive_json_from(timeout=120)
    while not (message["type"] == "delta" or (message["type"] == "snapshot" and message["run"]["text"])):
        message = await ws.receive_json_from(timeout=120)

    proxy.down()  # the engine restarts while the first run streams and two wait
    await asyncio.sleep(1.5)
    proxy.up()

    final = (await read_until_final(ws, timeout=120))[-1]
    await ws.disconnect()
    first, *waiting = await wait_for_statuses(runs, {RunStatus.DONE, RunStatus.FAILED})
    if first.status == RunStatus.FAILED:  # it had shown text: failed with a reason, its text kept
        assert final["type"] == "failed" and "engine" in first.error and first.text
    assert [run.status for run in waiting] == [RunStatus.DONE, RunStatus.DONE]
    await no_run_is_stuck()
