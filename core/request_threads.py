"""Each HTTP request's sync code (views, middleware) on a thread that is reused, not started for it.

Django runs one request's sync code on one thread of its own. asgiref starts that thread for the request and, after
it, one more thread to join it; each start blocks the event loop until the new thread first runs, which on a busy
machine costs milliseconds per request while every stream on the loop waits. Here a request borrows an idle
one-thread executor and gives it back: still one request per thread at a time, as Django requires.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext

MAX_IDLE = 64  # threads kept for the next burst; more are let go


class RequestThreads:
    def __init__(self, app: Any) -> None:
        self.app = app
        self._idle: list[ThreadPoolExecutor] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        executor = self._idle.pop() if self._idle else ThreadPoolExecutor(1, thread_name_prefix="request")
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.app(scope, receive, send)
        finally:
            # A request cut short may still run on it: the next one then waits its turn on the same thread.
            if len(self._idle) < MAX_IDLE:
                self._idle.append(executor)
            else:
                executor.shutdown(wait=False)
