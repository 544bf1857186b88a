"""Another process holds SQLite's write lock for ~2 s while a run streams and saves: the run still finishes, with
all its text, and a question asked meanwhile is stored, only a little later."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.utils import timezone

from core.models import Run, RunStatus
from core.selectors import user_team
from core.services.photos import photo_upload
from core.services.runs import run_create
from tests.fixtures.runs import apply, connect, read_until_final, refreshed
from tests.images import jpeg_bytes

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]
LOCK_SECONDS = 2.0
# Long enough that the answer is still streaming when the lock goes, also on an engine that writes fast.
OUTPUT_TOKENS = 1200


def hold_write_lock(path: str, seconds: float, locked: threading.Event) -> None:
    """What a backup tool, a migration or a second app process does: take the write lock and keep it a while."""
    other = sqlite3.connect(path, timeout=30, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    locked.set()
    time.sleep(seconds)
    other.execute("ROLLBACK")
    other.close()


def long_run(user, seed: int) -> Run:
    team = user_team(user)
    photo = photo_upload(user=user, team=team, filename=f"lock-{seed}.jpg", data=jpeg_bytes(320, 240, seed=seed))
    return run_create(
        user=user, team=team, task="describe", photos=[photo], fields={"question": "Describe it."},
        max_tokens=OUTPUT_TOKENS, ignore_eos=True,
    )  # fmt: skip


@pytest.fixture
def database_path() -> str:
    if connection.vendor != "sqlite":
        pytest.skip("the write lock held here is SQLite's")
    return str(connection.settings_dict["NAME"])


async def test_a_run_saving_while_another_process_holds_the_write_lock_still_finishes(
    live_executor, owner, database_path
):
    run = await database_sync_to_async(long_run)(owner, seed=101)
    ws = await connect(owner, run.id)
    text = ""
    while not text:
        text = apply(text, await ws.receive_json_from(timeout=60))

    locked = threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(database_path, LOCK_SECONDS, locked))
    holder.start()
    assert await asyncio.to_thread(locked.wait, 5)
    locked_at = timezone.now()
    for message in await read_until_final(ws, timeout=120):
        text = apply(text, message)
    await ws.disconnect()
    await asyncio.to_thread(holder.join)

    run = await refreshed(run)
    assert run.status == RunStatus.DONE and run.error == ""
    assert run.text == text and run.completion_tokens == OUTPUT_TOKENS
    assert (run.finished_at - locked_at).total_seconds() >= LOCK_SECONDS * 0.8, "the lock overlapped the run"


async def test_a_question_asked_while_the_database_is_locked_is_stored_when_the_lock_goes(
    live_executor, owner, database_path
):
    locked = threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(database_path, LOCK_SECONDS, locked))
    holder.start()
    assert await asyncio.to_thread(locked.wait, 5)
    started = time.monotonic()

    run = await database_sync_to_async(long_run)(owner, seed=102)

    assert time.monotonic() - started >= LOCK_SECONDS * 0.8, "the write waited for the lock"
    await asyncio.to_thread(holder.join)
    ws = await connect(owner, run.id)
    final = (await read_until_final(ws, timeout=120))[-1]
    await ws.disconnect()
    assert final["type"] == "done" and (await refreshed(run)).status == RunStatus.DONE
