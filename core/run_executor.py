"""Runs execute here, in the serving process's event loop, independent of any browser connection.

Admission: up to RUNS_MAX_IN_FLIGHT runs talk to the engine at once; the rest wait in a priority queue (lower
priority value first) with a visible position. A sweeper keeps the heartbeat of local runs and takes over runs
that a crashed or restarted process left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import heapq
import logging
import os
import socket
import time
import uuid
from concurrent.futures import Future
from typing import Any
from uuid import UUID

from channels.db import database_sync_to_async
from django.conf import settings

from core import run_state
from core.engine import new_engine_client
from core.streaming import publish
from inference.client import EngineClient
from inference.errors import EngineError, EngineTimeout, EngineUnavailable
from inference.protocol import ChatRequest, Finished, TextDelta

logger = logging.getLogger(__name__)
SWEEP_EVERY_S = 5.0


def run_db(fn: Any) -> Any:
    """Run writes go to the thread pool, not the one shared thread: many runs saving must not queue up behind
    each other or delay websocket handshakes (each call still gets its own closed-after-use connection)."""
    return database_sync_to_async(fn, thread_sensitive=False)


class StreamBuffer:
    """Collects tokens; the executor's flusher sends them in batches every ~40 ms and its saver keeps the saved copy
    fresh."""

    def __init__(self, run_id: UUID) -> None:
        self.run_id = run_id
        self.text = ""
        self._sent = 0
        self.saved = 0  # how much of the text the database has

    def add(self, piece: str) -> None:
        self.text += piece

    @property
    def nothing_sent(self) -> bool:
        return self._sent == 0

    async def flush(self, *, save: bool = False) -> None:
        if len(self.text) > self._sent:
            offset, self._sent = self._sent, len(self.text)  # before the await: a concurrent flush sends the rest
            try:
                await publish(self.run_id, {"type": "delta", "offset": offset, "text": self.text[offset:]})
            except BaseException:
                self._sent = min(self._sent, offset)  # not sent: the next flush sends it again (readers skip repeats)
                raise
        if save and len(self.text) > self.saved:
            text = self.text
            await run_db(run_state.save_texts)({self.run_id: text})
            self.saved = len(text)


class RunExecutor:
    def __init__(self) -> None:
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: EngineClient | None = None
        self._running: dict[UUID, asyncio.Task[None]] = {}
        self._waiting: list[tuple[int, float, UUID]] = []
        self._sweeper: asyncio.Task[None] | None = None
        self._saver: asyncio.Task[None] | None = None
        self._flusher: asyncio.Task[None] | None = None
        self._buffers: dict[UUID, StreamBuffer] = {}
        self._prepared: dict[UUID, ChatRequest] = {}

    # ---- any thread -------------------------------------------------------------------------------------------
    @property
    def bound(self) -> bool:
        return self._loop is not None and not self._loop.is_closed()

    def has_room(self) -> bool:
        return len(self._waiting) < settings.RUNS_MAX_QUEUED or len(self._running) < settings.RUNS_MAX_IN_FLIGHT

    def submit(self, run_id: UUID, priority: int, request: ChatRequest | None = None) -> bool:
        """Hand a queued run to this process, with its engine request when the caller built it already. False when
        no serving loop runs here (a sweeper elsewhere takes it)."""
        if not self.bound:
            return False
        assert self._loop is not None
        # A fresh context: the caller's (a request's thread) must not leak into a run that outlives it.
        self._loop.call_soon_threadsafe(self._admit, run_id, priority, request, context=contextvars.Context())
        return True

    def has_free_slot(self) -> bool:
        """A run submitted now would start at once (nothing waits and fewer than the limit talk to the engine)."""
        return self.bound and not self._waiting and len(self._running) < settings.RUNS_MAX_IN_FLIGHT

    def cancel(self, run_id: UUID) -> Future[bool] | None:
        if not self.bound:
            return None
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(self._cancel(run_id), self._loop)

    def live_text(self, run_id: UUID) -> str | None:
        """The text streamed so far by a run this process executes (fresher than the saved copy)."""
        buffer = self._buffers.get(run_id)
        return None if buffer is None else buffer.text

    @property
    def waiting_count(self) -> int:
        return len(self._waiting)

    @property
    def running_count(self) -> int:
        return len(self._running)

    def local_run_ids(self) -> list[UUID]:
        return [*self._running, *(item[2] for item in self._waiting)]

    # ---- the serving loop -------------------------------------------------------------------------------------
    def bind(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Attach to the loop that serves requests (idempotent); starts the sweeper that recovers runs."""
        if self.bound:
            return
        self._loop = loop or asyncio.get_running_loop()
        self._client = new_engine_client()
        self._sweeper = self._loop.create_task(self._sweep_forever())
        self._saver = self._loop.create_task(self._save_forever())
        self._flusher = self._loop.create_task(self._flush_forever())

    async def shutdown(self) -> None:
        tasks = [t for t in [self._sweeper, self._saver, self._flusher, *self._running.values()] if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
        self._running.clear()
        self._waiting.clear()
        self._buffers.clear()
        self._prepared.clear()
        self._loop = self._client = self._sweeper = self._saver = self._flusher = None

    def _admit(self, run_id: UUID, priority: int, request: ChatRequest | None = None) -> None:
        if run_id in self._running or any(item[2] == run_id for item in self._waiting):
            return
        if request is not None:
            self._prepared[run_id] = request
        heapq.heappush(self._waiting, (priority, time.monotonic(), run_id))
        self._start_waiting()

    def _start_waiting(self) -> None:
        assert self._loop is not None
        while self._waiting and len(self._running) < settings.RUNS_MAX_IN_FLIGHT:
            _, _, run_id = heapq.heappop(self._waiting)
            task = self._loop.create_task(self._execute(run_id), context=contextvars.Context())
            self._running[run_id] = task
            task.add_done_callback(functools.partial(self._on_task_done, run_id))
        for position, (_, _, run_id) in enumerate(sorted(self._waiting), start=1):
            self._loop.create_task(publish(run_id, {"type": "status", "status": "queued", "queue_position": position}))

    def _on_task_done(self, run_id: UUID, _task: asyncio.Task[None]) -> None:
        self._running.pop(run_id, None)
        if self.bound:
            self._start_waiting()

    async def _cancel(self, run_id: UUID) -> bool:
        self._waiting = [item for item in self._waiting if item[2] != run_id]
        self._prepared.pop(run_id, None)
        heapq.heapify(self._waiting)
        task = self._running.get(run_id)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        return True

    async def _execute(self, run_id: UUID) -> None:
        buffer = self._buffers[run_id] = StreamBuffer(run_id)
        prepared = self._prepared.pop(run_id, None)
        try:
            if prepared is not None:
                await self._execute_prepared(run_id, prepared, buffer)
                return
            run = await run_db(run_state.start)(run_id, self.worker_id)
            if run is None:
                return  # cancelled or taken over meanwhile
            await publish(run_id, {"type": "status", "status": "running", "queue_position": None})
            request = await asyncio.to_thread(run_state.build_request, run)
            await self._stream_when_reachable(request, buffer)
        except asyncio.CancelledError:
            await buffer.flush(save=True)
            await self._finish(run_state.mark_cancelled, run_id)
            raise
        except EngineError as exc:
            await buffer.flush(save=True)
            await self._finish(run_state.mark_failed, run_id, exc.reason)
        except Exception as exc:  # noqa: BLE001 - a bug must fail one run, never the executor
            logger.exception("run %s crashed", run_id)
            await self._finish(run_state.mark_failed, run_id, f"internal error: {type(exc).__name__}")
        finally:
            self._buffers.pop(run_id, None)

    async def _execute_prepared(self, run_id: UUID, request: ChatRequest, buffer: StreamBuffer) -> None:
        """A run built by the request that created it, in this process: the engine starts on it while the claim is
        written, and nothing is shown before the claim has succeeded (a cancel may have come first)."""
        claimed = asyncio.ensure_future(self._claim(run_id))
        try:
            await self._stream_when_reachable(request, buffer, claimed)
        finally:
            if not claimed.done():
                await asyncio.wait([claimed])  # a failure is recorded after the claim, never before it

    async def _claim(self, run_id: UUID) -> bool:
        if not await run_db(run_state.claim)(run_id, self.worker_id):
            return False
        await publish(run_id, {"type": "status", "status": "running", "queue_position": None})
        return True

    async def _stream_when_reachable(
        self, request: Any, buffer: StreamBuffer, claimed: asyncio.Future[bool] | None = None
    ) -> None:
        """An engine that is down (restarting, still loading) is waited for, up to RUN_ENGINE_WAIT_SECONDS, while
        nothing of the answer exists yet; then the run fails with a reason and can be retried."""
        deadline = time.monotonic() + settings.RUN_ENGINE_WAIT_SECONDS
        pause = 0.5
        while True:
            try:
                return await self._stream(request, buffer, claimed)
            except EngineTimeout:
                raise  # it answered, only too slowly: waiting longer would not help
            except EngineUnavailable as exc:
                if buffer.text:
                    raise  # part of the answer was shown: never started again behind the reader's back
                if time.monotonic() + pause > deadline:
                    waited = settings.RUN_ENGINE_WAIT_SECONDS
                    raise EngineUnavailable(f"{exc.reason} (waited {waited} s); press retry to try again") from exc
            await publish(buffer.run_id, {"type": "status", "status": "waiting", "queue_position": None})
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)

    async def _stream(self, request: Any, buffer: StreamBuffer, claimed: asyncio.Future[bool] | None = None) -> None:
        assert self._client is not None
        async with contextlib.aclosing(self._client.stream(request)) as events:
            async for event in events:
                if claimed is not None:
                    if not await claimed:
                        return  # cancelled before it started: closing the stream ends the engine's request
                    claimed = None
                if isinstance(event, TextDelta):
                    buffer.add(event.text)
                    if buffer.nothing_sent:
                        await buffer.flush()  # the first token goes out at once: it sets the felt latency
                elif isinstance(event, Finished):
                    await buffer.flush()
                    await self._finish(run_state.mark_done, buffer.run_id, event.result)

    async def _flush_forever(self) -> None:
        """Every RUN_STREAM_FLUSH_MS, the new text of every running run goes out: one timer for all of them, where
        a timer of each run's own woke the loop 25 times a second per run."""
        interval = settings.RUN_STREAM_FLUSH_MS / 1000
        while True:
            await asyncio.sleep(interval)
            for buffer in list(self._buffers.values()):
                try:
                    await buffer.flush()
                except Exception:  # noqa: BLE001 - a busy channel layer: this run's text goes out next tick
                    logger.warning("run %s: streaming flush failed; retrying", buffer.run_id, exc_info=True)

    async def _finish(self, transition: Any, run_id: UUID, *args: Any) -> None:
        event = await run_db(transition)(run_id, *args)
        if event is not None:
            await publish(run_id, event)

    def warm(self, request: ChatRequest) -> None:
        """Fire a 1-token request so the engine caches the photo's prefix before the question is asked."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(lambda: loop.create_task(self._warm(request)), context=contextvars.Context())

    async def _warm(self, request: ChatRequest) -> None:
        assert self._client is not None
        try:
            await self._client.complete(request)
        except EngineError as exc:
            logger.info("prefix warm-up skipped: %s", exc.reason)

    async def _save_forever(self) -> None:
        """Every RUN_SAVE_EVERY_MS, the new text of all running runs in one transaction. On SQLite every write
        waits for the one write lock: one save a run each half second was most of the writes at 64 runs."""
        while True:
            await asyncio.sleep(settings.RUN_SAVE_EVERY_MS / 1000)
            texts = {b.run_id: b.text for b in self._buffers.values() if len(b.text) > b.saved}
            if not texts:
                continue
            try:
                await run_db(run_state.save_texts)(texts)
            except Exception:  # noqa: BLE001 - a locked database: the next tick saves it all
                logger.warning("saving the streamed text of %d runs failed; retrying", len(texts), exc_info=True)
                continue
            for run_id, text in texts.items():
                buffer = self._buffers.get(run_id)
                if buffer is not None:
                    buffer.saved = max(buffer.saved, len(text))

    async def _sweep_forever(self) -> None:
        while True:
            try:
                claimed = await database_sync_to_async(run_state.sweep)(self.worker_id, self.local_run_ids())
                for run_id, priority, restarted in claimed:
                    if restarted:
                        await publish(run_id, {"type": "restarted"})
                    self._admit(run_id, priority)
            except Exception:  # noqa: BLE001 - the sweeper must survive a locked database and try again
                logger.exception("run sweep failed")
            await asyncio.sleep(SWEEP_EVERY_S)


executor = RunExecutor()
