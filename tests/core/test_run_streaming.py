"""A run streams to its watchers over the websocket, survives reconnects, and runs with nobody watching."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async

from core.models import RunStatus
from tests.fixtures.runs import apply, connect, create_describe_run, read_until_final, refreshed

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


async def test_a_run_streams_tokens_then_the_final_result(live_executor, owner):
    run = await database_sync_to_async(create_describe_run)(owner, max_tokens=96)
    ws = await connect(owner, run.id)
    messages = await read_until_final(ws)
    await ws.disconnect()
    kinds = [m["type"] for m in messages]
    assert kinds[0] == "snapshot" and kinds[-1] == "done"
    assert kinds.count("delta") >= 2, "tokens arrive in several batches before the end"
    text = ""
    for message in messages:
        text = apply(text, message)
    run = await refreshed(run)
    assert run.status == RunStatus.DONE and text == run.text and run.completion_tokens > 0
    assert run.ttft_ms is not None and run.latency_ms >= run.ttft_ms


async def test_a_client_that_reconnects_mid_run_sees_the_whole_answer_once(live_executor, owner):
    # Fixed length: the random model could otherwise stop before the first client has seen anything.
    run = await database_sync_to_async(create_describe_run)(owner, seed=1, max_tokens=400, ignore_eos=True)
    first = await connect(owner, run.id)
    seen = ""
    while len(seen) < 20:
        seen = apply(seen, await first.receive_json_from(timeout=60))
    await first.disconnect()
    await asyncio.sleep(0.3)  # tokens keep coming while nobody watches
    second = await connect(owner, run.id)
    text = ""
    for message in await read_until_final(second):
        text = apply(text, message)
    await second.disconnect()
    run = await refreshed(run)
    assert run.status == RunStatus.DONE
    assert text == run.text and text.startswith(seen)


async def test_a_run_finishes_while_no_client_is_connected(live_executor, owner):
    run = await database_sync_to_async(create_describe_run)(owner, seed=2, max_tokens=32)
    for _ in range(300):
        run = await refreshed(run)
        if not run.is_active:
            break
        await asyncio.sleep(0.1)
    assert run.status == RunStatus.DONE and run.completion_tokens > 0


async def test_a_finished_run_is_sent_whole_to_a_late_client(live_executor, owner):
    run = await database_sync_to_async(create_describe_run)(owner, seed=3, max_tokens=16)
    ws = await connect(owner, run.id)
    await read_until_final(ws)
    await ws.disconnect()
    late = await connect(owner, run.id)
    snapshot = await late.receive_json_from(timeout=10)
    await late.disconnect()
    assert snapshot["type"] == "snapshot" and snapshot["run"]["status"] == "done"
    assert snapshot["run"]["text"] == (await refreshed(run)).text


async def test_an_outsider_cannot_open_the_stream(live_executor, owner, outsider):
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator

    from core.routing import websocket_urlpatterns

    run = await database_sync_to_async(create_describe_run)(owner, seed=4, max_tokens=8)
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/runs/{run.id}/")
    communicator.scope["user"] = outsider
    connected, code = await communicator.connect(timeout=15)
    assert not connected and code == 4404
