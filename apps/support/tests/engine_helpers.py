"""Helpers for support tests against the real engine: waiting for runs and asking the engine to count tokens."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from channels.db import database_sync_to_async

from core.models import Run
from inference.protocol import ChatRequest


async def run_when_finished(run_id: Any, timeout_s: float = 180) -> Run:
    for _ in range(int(timeout_s * 10)):
        run = await database_sync_to_async(Run.objects.get)(pk=run_id)
        if not run.is_active:
            return run
        await asyncio.sleep(0.1)
    raise AssertionError(f"run {run_id} did not finish in {timeout_s} s")


async def engine_token_count(engine_url: str, request: ChatRequest) -> int:
    """How many prompt tokens the engine makes of these messages (its own chat template and tokenizer)."""
    messages = [{"role": m.role, "content": m.text} for m in request.messages]  # text-only: no photos
    async with httpx.AsyncClient(timeout=30) as client:
        models = (await client.get(f"{engine_url}/models")).json()
        body = {"model": models["data"][0]["id"], "messages": messages}
        response = await client.post(f"{engine_url.removesuffix('/v1')}/tokenize", json=body)
    response.raise_for_status()
    return response.json()["count"]
