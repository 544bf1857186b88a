"""A page on another site cannot open a run's websocket with the visitor's cookies (cross-site WebSocket hijacking):
the real Daphne server refuses any Origin that is not one of its allowed hosts, and a missing Origin too."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.reliability.live_session import session_cookie, start_run, ws_url

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]
FOREIGN_ORIGINS = [
    "http://evil.example",
    "https://127.0.0.1.evil.example",
    "http://localhost.evil.example:8000",
    "null",
    "file://",
    None,
]


async def handshake(url: str, cookie: str, origin: str | None) -> int | dict:
    headers = {"Cookie": cookie} | ({"Origin": origin} if origin is not None else {})
    try:
        async with websockets.connect(url, additional_headers=headers, open_timeout=10) as ws:
            return json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
    except InvalidStatus as refused:
        return refused.response.status_code


def test_a_run_stream_opens_only_for_pages_of_the_app_itself(live_app, owner):
    cookie = session_cookie(owner)
    run_id = start_run(live_app.url, owner)
    url = ws_url(live_app.url, run_id)

    async def attempts() -> tuple[object, list[object]]:
        own = await handshake(url, cookie, live_app.url)
        foreign = [await handshake(url, cookie, origin) for origin in FOREIGN_ORIGINS]
        return own, foreign

    own, foreign = asyncio.run(attempts())

    assert isinstance(own, dict) and own["type"] == "snapshot" and own["run"]["id"] == run_id
    assert foreign == [403] * len(FOREIGN_ORIGINS)
