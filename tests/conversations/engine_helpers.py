"""Helpers for conversation tests against the real engine: wait for runs, count the engine requests made."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async

from core.models import ACTIVE_STATUSES, Run
from inference.client import EngineClient


@pytest.fixture
def engine_requests(monkeypatch) -> list[Any]:
    """Every request this process sends to the engine (the engine is shared, so its own counters are not)."""
    sent: list[Any] = []
    stream = EngineClient.stream

    def counting(self: EngineClient, request: Any) -> Any:
        sent.append(request)
        return stream(self, request)

    monkeypatch.setattr(EngineClient, "stream", counting)
    return sent


async def wait_for_runs(*, timeout: float = 180) -> None:
    """Until no run is queued or running."""
    active = database_sync_to_async(lambda: Run.objects.filter(status__in=ACTIVE_STATUSES).count())
    for _ in range(int(timeout * 5)):
        if await active() == 0:
            return
        await asyncio.sleep(0.2)
    raise AssertionError("runs did not finish in time")


async def finished(run: Run, *, timeout: float = 180) -> Run:
    for _ in range(int(timeout * 5)):
        await database_sync_to_async(run.refresh_from_db)()
        if not run.is_active:
            return run
        await asyncio.sleep(0.2)
    raise AssertionError(f"run {run.task} did not finish in time")
