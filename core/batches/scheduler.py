"""The batch scheduler: a small loop in the serving process that sends waiting batch items as runs.

It holds no state of its own (everything is in the database), so a restart loses nothing: the next process's
loop simply continues. A nudge (a new or resumed batch) wakes it before its next tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging

from channels.db import database_sync_to_async
from django.conf import settings

from core.services.batches import batches_tick

logger = logging.getLogger(__name__)


class BatchScheduler:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None

    @property
    def bound(self) -> bool:
        return self._loop is not None and not self._loop.is_closed()

    def bind(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Start the loop in the serving event loop (idempotent), next to the run executor."""
        if self.bound:
            return
        self._loop = loop or asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = self._loop.create_task(self._run_forever(), context=contextvars.Context())

    def nudge(self) -> None:
        """Any thread: run a tick now rather than at the next interval."""
        if self.bound and self._wake is not None:
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self._wake.set)

    async def shutdown(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._loop = self._task = self._wake = None

    async def _run_forever(self) -> None:
        assert self._wake is not None
        while True:
            try:
                await database_sync_to_async(batches_tick)()
            except Exception:  # noqa: BLE001 - a locked database or a bad row must not stop the batches
                logger.exception("batch tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=settings.BATCH_TICK_MS / 1000)
            self._wake.clear()


batch_scheduler = BatchScheduler()
