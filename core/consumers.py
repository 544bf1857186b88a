"""The websocket edge of a run: what exists first, then live tokens, then the final result or the error."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from core.errors import NotFound
from core.metrics import WEBSOCKET_CLIENTS
from core.models import Run
from core.run_executor import executor
from core.selectors import run_get_visible, run_queue_position
from core.streaming import run_group, run_payload

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404


def _snapshot(user: Any, run_id: str) -> dict[str, Any] | None:
    try:
        run = run_get_visible(user=user, run_id=run_id)
    except NotFound:
        return None
    return run_payload(run, queue_position=run_queue_position(run))


def _saved_text(run_id: str) -> str:
    return Run.objects.filter(id=run_id).values_list("text", flat=True).first() or ""


class RunConsumer(AsyncJsonWebsocketConsumer):
    """Sends each character exactly once, also across reconnects: deltas carry their offset in the text."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.run_id = self.scope["url_route"]["kwargs"]["run_id"]
        self.sent = 0
        self.pending: list[tuple[int, str]] = []
        self.gap_filler: asyncio.Task[None] | None = None
        # Join before reading the snapshot, so nothing produced in between is missed.
        await self.channel_layer.group_add(run_group(self.run_id), self.channel_name)
        # Off the shared thread, as in websocket_auth: a handshake must not queue behind page requests.
        snapshot = await database_sync_to_async(_snapshot, thread_sensitive=False)(user, self.run_id)
        if snapshot is None:
            await self.channel_layer.group_discard(run_group(self.run_id), self.channel_name)
            await self.close(code=CLOSE_NOT_FOUND)
            return
        live = executor.live_text(UUID(str(self.run_id)))
        if live is not None and len(live) > len(snapshot["text"]):
            snapshot["text"] = live  # this process runs it: no need to wait for the next save
        await self.accept()
        WEBSOCKET_CLIENTS.inc()
        self.counted = True
        self.sent = len(snapshot["text"])
        await self.send_json({"type": "snapshot", "run": snapshot})

    async def disconnect(self, code: int) -> None:
        if getattr(self, "counted", False):
            WEBSOCKET_CLIENTS.dec()
            self.counted = False
        if hasattr(self, "run_id"):
            await self.channel_layer.group_discard(run_group(self.run_id), self.channel_name)
        gap_filler = getattr(self, "gap_filler", None)
        if gap_filler is not None:
            gap_filler.cancel()

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every handler: a thread hop for each streamed delta.
        # Run events use no connection of this thread (the gap filler's query goes through
        # database_sync_to_async, which does its own), so they go straight to their handler.
        if message["type"] == "run.event":
            await self.run_event(message)
        else:
            await super().dispatch(message)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        pass  # the stream is one-way; controls go through the REST API

    async def run_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        kind = event["type"]
        if kind == "delta":
            await self._delta(event["offset"], event["text"])
            return
        if kind == "restarted":
            self.sent, self.pending = 0, []
        elif "run" in event:
            self.sent, self.pending = len(event["run"]["text"]), []
        await self.send_json(event)

    async def _delta(self, offset: int, text: str) -> None:
        if self.pending or offset > self.sent:
            self.pending.append((offset, text))  # a gap: text saved before we joined is not sent yet
            if self.gap_filler is None or self.gap_filler.done():
                self.gap_filler = asyncio.create_task(self._fill_gap())
            return
        await self._send_from(offset, text)

    async def _send_from(self, offset: int, text: str) -> None:
        end = offset + len(text)
        if end > self.sent:
            await self.send_json({"type": "delta", "offset": self.sent, "text": text[self.sent - offset :]})
            self.sent = end

    async def _fill_gap(self) -> None:
        while self.pending:
            saved = await database_sync_to_async(_saved_text)(self.run_id)
            first_offset = self.pending[0][0]
            if len(saved) >= first_offset:
                await self._send_from(0, saved[:first_offset])
                pending, self.pending = self.pending, []
                for offset, text in pending:
                    await self._send_from(offset, text)
                return
            await asyncio.sleep(settings.RUN_SAVE_EVERY_MS / 2000)
