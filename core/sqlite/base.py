"""Django's SQLite backend, with this process's writers taking turns in Python rather than in SQLite.

SQLite has one write lock per database. A writer that finds it taken sleeps in SQLite's busy handler for 1, 2, 5,
... up to 100 ms before it looks again, however soon the lock is free, while new arrivals take it first: with
dozens of runs streaming, uploads and run starts waited tens to hundreds of milliseconds for a lock held for one.
Here a writer of this process first takes a turn on one process-wide lock, so writers of one process queue and
each starts the moment the previous one commits. Another process's writer is still waited for by SQLite.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_WRITE_TURN = threading.Lock()


def _is_read(query: str) -> bool:
    return query.lstrip()[:6].upper() in ("SELECT", "PRAGMA")


class DatabaseWrapper(base.DatabaseWrapper):
    _has_turn = False
    turn_wait_s: float | None = None  # how long a writer waits for its turn; None: the `timeout` option, as SQLite

    def _take_turn(self) -> None:
        if self._has_turn:
            return
        wait = self.turn_wait_s if self.turn_wait_s is not None else self.settings_dict["OPTIONS"].get("timeout", 5)
        if not _WRITE_TURN.acquire(timeout=float(wait)):
            raise OperationalError("database is locked")
        self._has_turn = True

    def _end_turn(self) -> None:
        if self._has_turn:
            self._has_turn = False
            _WRITE_TURN.release()

    def _start_transaction_under_autocommit(self) -> None:
        self._take_turn()  # BEGIN IMMEDIATE takes the write lock at once: the turn is held until the end
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._end_turn()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._end_turn()

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=TurnTakingCursor)
        cursor.wrapper = self
        return cursor


class TurnTakingCursor(base.SQLiteCursorWrapper):
    """A write outside a transaction (an UPDATE in autocommit) is a transaction of its own: it takes a turn too."""

    wrapper: DatabaseWrapper

    @contextlib.contextmanager
    def _turn_for(self, query: str) -> Iterator[None]:
        if self.wrapper._has_turn or self.wrapper.in_atomic_block or _is_read(query):
            yield
            return
        self.wrapper._take_turn()
        try:
            yield
        finally:
            self.wrapper._end_turn()

    def execute(self, query: str, params: Any = None) -> Any:
        with self._turn_for(query):
            return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        with self._turn_for(query):
            return super().executemany(query, param_list)
