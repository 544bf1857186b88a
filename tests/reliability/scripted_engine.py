"""An engine that says exactly what a test wants: an OpenAI-compatible streaming server whose answer is scripted.

It lets a test put hostile text in the model's mouth (HTML, script, javascript: links) and send it down the real
path (client, executor, websocket, pages), or answer slowly. It runs its own event loop in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable

from aiohttp import web

from tests.fixtures.live_app import free_port

MODEL = "visiondesk/scripted"


class ScriptedEngine:
    def __init__(self, answer: str, *, piece_chars: int = 8, piece_delay_s: float = 0.01) -> None:
        self.answer = answer
        self.piece_chars = piece_chars
        self.piece_delay_s = piece_delay_s
        self.delay_before_first_token_s = 0.0
        self.error_after_pieces: int | None = None  # vLLM's way to fail mid-answer: an error event in the stream
        self.error_line = (
            b"data: "
            + json.dumps(
                {"error": {"message": "scripted failure", "type": "InternalServerError", "code": 500}}
            ).encode()
        )
        self.answer_for_schema: Callable[[dict], str] | None = None  # answers to structured-output requests
        self.requests: list[dict] = []
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="scripted-engine", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def close(self) -> None:
        if self._runner is not None:
            cleanup = asyncio.wait_for(self._runner.cleanup(), timeout=3)
            with contextlib.suppress(TimeoutError):  # an answer still being held back is simply dropped
                asyncio.run_coroutine_threadsafe(cleanup, self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/v1/models", self._models)
        app.router.add_get("/health", self._health)
        app.router.add_post("/v1/chat/completions", self._chat)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": MODEL, "object": "model"}]})

    async def _health(self, request: web.Request) -> web.Response:
        return web.Response(text="")

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("schema")
        answer = self.answer_for_schema(schema) if schema and self.answer_for_schema else self.answer
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await asyncio.sleep(self.delay_before_first_token_s)
        pieces = [answer[i : i + self.piece_chars] for i in range(0, len(answer), self.piece_chars)]
        for number, piece in enumerate(pieces):
            if number == self.error_after_pieces:
                await response.write(self.error_line + b"\n\n")
                return response
            await response.write(_event({"content": piece}, None))
            await asyncio.sleep(self.piece_delay_s)
        await response.write(_event({}, "stop"))
        usage = {"prompt_tokens": 10, "completion_tokens": len(pieces), "total_tokens": 10 + len(pieces)}
        await response.write(b"data: " + json.dumps(_chunk([], usage)).encode() + b"\n\n")
        await response.write(b"data: [DONE]\n\n")
        return response


def _chunk(choices: list[dict], usage: dict | None = None) -> dict:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": MODEL,
        "choices": choices,
        "usage": usage,
    }


def _event(delta: dict, finish_reason: str | None) -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": finish_reason}
    return b"data: " + json.dumps(_chunk([choice])).encode() + b"\n\n"
