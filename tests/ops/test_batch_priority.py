"""A batch of 20 photos runs at low priority: interactive runs started during it overtake its waiting runs and
finish long before it does (the real engine, priority scheduling on)."""

from __future__ import annotations

import asyncio
import time

import pytest
from channels.db import database_sync_to_async

from core.models import BatchStatus, ItemStatus, Run, RunStatus
from tests.fixtures.runs import create_describe_run
from tests.ops.batches import make_batch

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]


async def wait_until(predicate, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while not await database_sync_to_async(predicate)():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_interactive_runs_started_during_a_batch_finish_first(live_batches, owner, settings):
    settings.RUNS_MAX_IN_FLIGHT = 2  # so batch runs also wait in the app's queue, where priority orders them
    settings.BATCH_MAX_IN_FLIGHT = 8  # several batch runs always wait, however a tick and a finish interleave
    batch = await database_sync_to_async(make_batch)(owner, 20, seed=400, max_tokens=48)
    await wait_until(lambda: batch.items.filter(status=ItemStatus.DONE).count() >= 3)

    interactive = []
    for i in range(3):
        interactive.append(await database_sync_to_async(create_describe_run)(owner, seed=450 + i, max_tokens=16))
        await asyncio.sleep(0.3)
    ids = [r.id for r in interactive]
    await wait_until(lambda: not Run.objects.filter(id__in=ids, status__in=["queued", "running"]).exists())
    still_open = await database_sync_to_async(lambda: batch.items.exclude(status=ItemStatus.DONE).count())()
    await wait_until(lambda: type(batch).objects.get(id=batch.id).status == BatchStatus.DONE)

    def outcome():
        batch.refresh_from_db()
        runs = list(Run.objects.filter(id__in=ids))
        batch_runs = list(Run.objects.filter(batch_item__batch=batch))
        return runs, batch_runs, list(batch.items.values_list("status", flat=True))

    runs, batch_runs, item_statuses = await database_sync_to_async(outcome)()
    assert item_statuses == [ItemStatus.DONE] * 20 and len(batch_runs) == 20
    assert all(r.status == RunStatus.DONE and r.priority == 0 for r in runs)
    assert all(r.priority == 10 for r in batch_runs)
    assert still_open > 0, "the interactive runs finished while the batch was still going"
    for run in runs:
        assert run.finished_at < batch.finished_at
        overtaken = [b for b in batch_runs if b.created_at < run.created_at and b.started_at > run.started_at]
        assert overtaken, "an interactive run starts before batch runs that were waiting before it"

    interactive_s = [(r.finished_at - r.created_at).total_seconds() for r in runs]
    batch_s = (batch.finished_at - batch.created_at).total_seconds()
    waits = sorted((b.started_at - b.created_at).total_seconds() for b in batch_runs)
    print(  # numbers for the record (pytest -s)
        f"\nbatch of 20: {batch_s:.1f} s; interactive runs created to done: {[round(s, 2) for s in interactive_s]} s; "
        f"batch runs' median wait in the app queue: {waits[len(waits) // 2]:.2f} s"
    )
    assert max(interactive_s) < batch_s / 2
