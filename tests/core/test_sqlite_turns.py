"""Writers of one process take turns before SQLite's write lock, so none of them waits in SQLite's busy handler.

Shown with SQLite's own waiting switched off (timeout 0): any writer that met another at the lock would fail with
"database is locked" at once, as Django's plain SQLite backend does here.
"""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from core.sqlite.base import DatabaseWrapper

THREADS, WRITES = 8, 25


def _no_busy_wait(name: str) -> DatabaseWrapper:
    options = {**connection.settings_dict["OPTIONS"], "timeout": 0}
    wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": name, "OPTIONS": options}, alias="turns")
    wrapper.turn_wait_s = 30
    return wrapper


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded database only")
def test_writers_of_one_process_never_meet_at_the_write_lock(tmp_path, django_db_blocker):
    django_db_blocker.unblock()  # a scratch database of its own, not the test database
    name = str(tmp_path / "turns.sqlite3")
    setup = _no_busy_wait(name)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    setup.close()
    errors: list[Exception] = []

    def writer(i: int) -> None:
        connections["turns"] = db = _no_busy_wait(name)
        try:
            for k in range(WRITES):
                with db.cursor() as cursor:
                    cursor.execute("INSERT INTO t (n) VALUES (%s)", [i])  # a transaction of its own
                with transaction.atomic(using="turns"), db.cursor() as cursor:
                    cursor.execute("INSERT INTO t (n) VALUES (%s)", [k])
                    cursor.execute("UPDATE t SET n = n + 1 WHERE rowid = (SELECT max(rowid) FROM t)")
        except OperationalError as exc:
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = _no_busy_wait(name)
    with check.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        rows = cursor.fetchone()[0]
    check.close()
    django_db_blocker.restore()
    assert not errors, f"{len(errors)} writers met another at the lock: {errors[0]}"
    assert rows == THREADS * WRITES * 2
