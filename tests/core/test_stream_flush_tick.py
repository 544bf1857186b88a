"""The executor's one flush tick sends every running run's new text, and a run whose send fails does not hold up
the others: its text goes out on a later tick."""

from __future__ import annotations

import asyncio
import uuid

from core import run_executor
from core.run_executor import RunExecutor, StreamBuffer


def test_one_tick_flushes_every_run_and_a_failed_send_is_retried(monkeypatch, settings):
    settings.RUN_STREAM_FLUSH_MS = 5
    sent: list[tuple[uuid.UUID, dict]] = []
    broken = {uuid.uuid4()}

    async def publish(run_id, event):  # the channel layer (Redis in production) refusing one run's message
        if run_id in broken:
            raise ConnectionError("channel layer busy")
        sent.append((run_id, event))

    monkeypatch.setattr(run_executor, "publish", publish)

    async def scenario() -> None:
        executor = RunExecutor()
        failing, healthy = next(iter(broken)), uuid.uuid4()
        for run_id in (failing, healthy):
            executor._buffers[run_id] = StreamBuffer(run_id)
            executor._buffers[run_id].add(f"text of {run_id}")
        ticker = asyncio.create_task(executor._flush_forever())
        await asyncio.sleep(0.05)
        assert [run_id for run_id, _ in sent] == [healthy]
        broken.clear()
        await asyncio.sleep(0.05)
        ticker.cancel()
        texts = {run_id: event["text"] for run_id, event in sent}
        assert texts == {failing: f"text of {failing}", healthy: f"text of {healthy}"}

    asyncio.run(scenario())
