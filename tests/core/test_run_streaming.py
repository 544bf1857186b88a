"""A run streams to its watchers over the websocket, survives reconnects, and runs with nobody watching."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async

from core import run_state
from core.models import RunStatus
from tests.fixtures.runs import apply, connect, create_describe_run, read_until_final, refreshed

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


async def watched_to_the_end(user, run):
    """Every message of the run's stream until the final one, and the run as stored after it."""
    ws = await connect(user, run.id)
    messages = await read_until_final(ws)
    await ws.disconnect()
    return messages, await refreshed(run)


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


async def test_a_new_run_goes_to_the_engine_without_being_read_back_first(live_executor, owner, monkeypatch):
    # Built where it was created: the engine starts on it while its claim is written (no load from the database).
    def load_again(*_args):
        raise AssertionError("the run was read back from the database before it started")

    monkeypatch.setattr(run_state, "start", load_again)
    run = await database_sync_to_async(create_describe_run)(owner, seed=6, max_tokens=16)
    messages, run = await watched_to_the_end(owner, run)
    assert messages[-1]["type"] == "done" and run.status == RunStatus.DONE
    assert run.attempts == 1 and run.started_at is not None and run.worker == live_executor.worker_id


async def test_a_run_whose_claim_fails_shows_nothing_of_the_engine_answer(live_executor, owner, monkeypatch):
    # As when a cancel lands between creation and the claim: the engine's stream is dropped unread.
    monkeypatch.setattr(run_state, "claim", lambda *_args: False)
    run = await database_sync_to_async(create_describe_run)(owner, seed=7, max_tokens=64, ignore_eos=True)
    ws = await connect(owner, run.id)
    assert (await ws.receive_json_from(timeout=10))["type"] == "snapshot"
    for _ in range(100):
        if not live_executor.running_count:
            break
        await asyncio.sleep(0.1)
    assert live_executor.running_count == 0, "the run's task ended once its claim failed"
    assert await ws.receive_nothing(timeout=0.5), "no status, no delta"
    await ws.disconnect()
    run = await refreshed(run)
    assert run.status == RunStatus.QUEUED and run.text == ""


async def test_the_text_of_runs_streaming_together_is_saved_in_one_write(live_executor, owner, monkeypatch, settings):
    settings.RUN_SAVE_EVERY_MS = 200
    saves: list[int] = []
    save_texts = run_state.save_texts

    def counted(texts):
        saves.append(len(texts))
        save_texts(texts)

    monkeypatch.setattr(run_state, "save_texts", counted)
    runs = [
        await database_sync_to_async(create_describe_run)(owner, seed=20 + i, max_tokens=300, ignore_eos=True)
        for i in range(3)
    ]
    saved_mid_run = False
    for _ in range(600):
        states = [await refreshed(run) for run in runs]
        saved_mid_run |= any(r.status == RunStatus.RUNNING and r.text for r in states)
        if not any(r.is_active for r in states):
            break
        await asyncio.sleep(0.1)
    assert all(r.status == RunStatus.DONE for r in states)
    assert saved_mid_run, "a reader in another process sees the text grow while the run streams"
    assert max(saves) >= 2, "the runs' new text went out together"


async def test_a_request_that_cannot_be_built_at_creation_is_built_again_when_the_run_starts(
    live_executor, owner, monkeypatch
):
    from core.services import runs

    def broken(_run):
        raise OSError("the photo was not readable yet")

    monkeypatch.setattr(runs, "build_request", broken)
    run = await database_sync_to_async(create_describe_run)(owner, seed=8, max_tokens=16)
    messages, run = await watched_to_the_end(owner, run)
    assert messages[-1]["type"] == "done" and run.status == RunStatus.DONE and run.attempts == 1
